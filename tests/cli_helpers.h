/* Helpers for tests that run the built optbench binary: run it with
 * arguments and extra environment, capture stdout, stderr and the exit
 * code, and make temporary folders. */
#ifndef OB_TEST_CLI_HELPERS_H
#define OB_TEST_CLI_HELPERS_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct cli_result {
    int exit_code;
    char *out; /* whole stdout, NUL-terminated, malloc'd */
    char *err; /* whole stderr */
};

static inline char *read_whole_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    char *text;
    long size;

    if (file == NULL)
        return NULL;
    fseek(file, 0, SEEK_END);
    size = ftell(file);
    rewind(file);
    text = malloc((size_t)size + 1);
    cr_assert_not_null(text);
    cr_assert_eq(fread(text, 1, (size_t)size, file), (size_t)size);
    text[size] = '\0';
    fclose(file);
    return text;
}

static inline void make_temp_dir(char *path, size_t size)
{
    snprintf(path, size, "/tmp/optbench-test-XXXXXX");
    cr_assert_not_null(mkdtemp(path), "cannot make a temporary folder");
}

/* Runs optbench with argv (NULL-terminated, without the program name) and
 * `env` assignments "KEY=VALUE" (NULL-terminated, may be NULL). */
static inline struct cli_result run_cli(const char *const *args,
                                 const char *const *env)
{
    const char *binary = getenv("OPTBENCH_BIN");
    char dir[64], out_path[128], err_path[128];
    const char *argv[64];
    struct cli_result result;
    size_t argc = 0;
    pid_t child;
    int status;

    cr_assert_not_null(binary, "OPTBENCH_BIN is not set (run through meson)");
    make_temp_dir(dir, sizeof dir);
    snprintf(out_path, sizeof out_path, "%s/stdout", dir);
    snprintf(err_path, sizeof err_path, "%s/stderr", dir);
    argv[argc++] = binary;
    for (size_t i = 0; args[i] != NULL && argc < 63; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;

    fflush(NULL);
    child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        if (freopen(out_path, "w", stdout) == NULL ||
            freopen(err_path, "w", stderr) == NULL)
            _exit(125);
        for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
            char assignment[512], *equals;

            snprintf(assignment, sizeof assignment, "%s", env[i]);
            equals = strchr(assignment, '=');
            if (equals == NULL)
                _exit(125);
            *equals = '\0';
            setenv(assignment, equals + 1, 1);
        }
        execv(binary, (char *const *)argv);
        _exit(127);
    }
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFEXITED(status), "optbench did not exit normally");
    result.exit_code = WEXITSTATUS(status);
    result.out = read_whole_file(out_path);
    result.err = read_whole_file(err_path);
    cr_assert_not_null(result.out);
    cr_assert_not_null(result.err);
    unlink(out_path);
    unlink(err_path);
    rmdir(dir);
    return result;
}

static inline void free_result(struct cli_result *result)
{
    free(result->out);
    free(result->err);
}

#endif
