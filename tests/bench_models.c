/* The second benchmark behind `make bench`: one epoch's minibatch gradients
 * of the Fashion-MNIST models, optbench's eval_rows against the same
 * computation in torch (float64, autograd) timed in the same run, quoted as
 * the ratio optbench / torch, with the first minibatch checked to 1e-9. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "models/idx.h"
#include "problem.h"

#define PYTHON      "/usr/bin/python3"
#define BATCH       128
#define BATCH_TEXT  "128"
#define L2_TEXT     "1e-4"
#define WIDTH_TEXT  "100"
#define REPS        3
#define CHECK_RTOL  1e-9
#define SOFTMAX_MAX 0.05 /* softmax parameters: uniform in [-max, max] */
#define PARAM_SEED  20240601

/* run_torch reads the repetitions with a fixed format. */
_Static_assert(REPS == 3, "run_torch's sscanf expects 3 times");

/* The torch side. argv: parameter file, hidden units (0: softmax), l2,
 * batch, repetitions, Fashion-MNIST folder. Prints "first LOSS GRADNORM",
 * then "threads N T1 T2 ..." for one thread and for torch's default. The
 * model is dense.h's: pixels / 255, logits x W + b (through tanh(x W1 +
 * b1) with a hidden layer), mean cross-entropy plus (l2/2) times the
 * squares of the weight matrices. */
static const char torch_script[] =
    "import sys, time, gzip\n"
    "try:\n"
    "    import torch\n"
    "except ImportError:\n"
    "    print('no-torch')\n"
    "    sys.exit(0)\n"
    "import numpy as np\n"
    "path, hidden, l2, batch, reps, folder = sys.argv[1:7]\n"
    "hidden, l2, batch, reps = int(hidden), float(l2), int(batch), int(reps)\n"
    "def idx(name, offset):\n"
    "    with gzip.open(folder + '/' + name, 'rb') as f:\n"
    "        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)\n"
    "x = torch.from_numpy(idx('train-images-idx3-ubyte.gz', 16)\n"
    "                     .astype(np.float64).reshape(-1, 784) / 255.0)\n"
    "y = torch.from_numpy(idx('train-labels-idx1-ubyte.gz', 8)\n"
    "                     .astype(np.int64))\n"
    "theta = np.fromfile(path, dtype='<f8')\n"
    "d, k = 784, 10\n"
    "shapes = [(d, hidden), (hidden,), (hidden, k), (k,)] if hidden else \\\n"
    "    [(d, k), (k,)]\n"
    "params, at = [], 0\n"
    "for s in shapes:\n"
    "    n = int(np.prod(s))\n"
    "    params.append(torch.tensor(theta[at:at + n].reshape(s),\n"
    "                               dtype=torch.float64, requires_grad=True))\n"
    "    at += n\n"
    "assert at == theta.size, (at, theta.size)\n"
    "weights = params[0::2]\n"
    "def gradient(lo, hi):\n"
    "    a = x[lo:hi]\n"
    "    if hidden:\n"
    "        a = torch.tanh(a @ params[0] + params[1])\n"
    "    z = a @ params[-2] + params[-1]\n"
    "    loss = torch.nn.functional.cross_entropy(z, y[lo:hi])\n"
    "    loss = loss + 0.5 * l2 * sum((w * w).sum() for w in weights)\n"
    "    return loss, torch.autograd.grad(loss, params)\n"
    "loss, grads = gradient(0, batch)\n"
    "norm = torch.sqrt(sum((g * g).sum() for g in grads))\n"
    "print('first %.17g %.17g' % (loss.item(), norm.item()), flush=True)\n"
    "def epoch():\n"
    "    start = time.perf_counter()\n"
    "    for lo in range(0, x.shape[0], batch):\n"
    "        gradient(lo, min(lo + batch, x.shape[0]))\n"
    "    return time.perf_counter() - start\n"
    "default = torch.get_num_threads()\n"
    "for n in [1, default]:\n"
    "    torch.set_num_threads(n)\n"
    "    times = [epoch() for _ in range(reps)]\n"
    "    print('threads %d %s' % (n, ' '.join('%.9f' % t for t in times)),\n"
    "          flush=True)\n";

/* What the torch script reported; found = 0 when it did not run. */
struct torch_result {
    int found;
    int missing; /* torch is not installed */
    double loss, norm;
    int threads[2];
    double seconds[2]; /* medians: one thread, default threads */
};

static char temp_dir[4096];

static void note(const char *format, ...) __attribute__((format(printf, 1, 2)));

static void note(const char *format, ...)
{
    char line[512];
    va_list args;

    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    fprintf(stderr, "bench_models: %s\n", line);
}

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Median of values[0..n), n > 0; sorts values in place. */
static double median(double *values, size_t n)
{
    qsort(values, n, sizeof *values, compare_doubles);
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

/* The 1-minute load average, or -1 when unknown: other work running
 * skews the ratios, so the header states it. */
static double load_average(void)
{
    FILE *file = fopen("/proc/loadavg", "r");
    double load = -1.0;

    if (file != NULL) {
        if (fscanf(file, "%lf", &load) != 1)
            load = -1.0;
        fclose(file);
    }
    return load;
}

static int fashion_installed(void)
{
    char path[4200];

    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz",
             ob_fashion_mnist_dir());
    return access(path, R_OK) == 0;
}

/* Writes n bytes to temp_dir/name; path receives the file's path. */
static int write_file(const char *name, const void *data, size_t n, char *path,
                      size_t size)
{
    FILE *file;
    int ok;

    snprintf(path, size, "%s/%s", temp_dir, name);
    file = fopen(path, "wb");
    if (file == NULL) {
        note("cannot write %s: %s", path, strerror(errno));
        return 0;
    }
    ok = fwrite(data, 1, n, file) == n;
    ok = fclose(file) == 0 && ok;
    if (!ok)
        note("cannot write %s", path);
    return ok;
}

/* Runs the torch script on theta; result->found = 0 when it cannot. */
static void run_torch(const double *theta, size_t dim, size_t hidden,
                      struct torch_result *result)
{
    char script[4300], params[4300], command[9000], line[4096];
    const char *folder = ob_fashion_mnist_dir();
    FILE *pipe;
    int found_threads = 0;

    memset(result, 0, sizeof *result);
    /* Theta is stored as the machine's doubles; the script reads '<f8'. */
    if (!write_file("torch_gradient.py", torch_script, strlen(torch_script),
                    script, sizeof script) ||
        !write_file("theta.f64", theta, sizeof(double) * dim, params,
                    sizeof params))
        return;
    if (strchr(folder, '\'') != NULL || strchr(temp_dir, '\'') != NULL) {
        note("paths with a single quote are not supported: %s", folder);
        return;
    }
    snprintf(command, sizeof command, PYTHON " '%s' '%s' %zu %s %d %d '%s'",
             script, params, hidden, L2_TEXT, BATCH, REPS, folder);
    pipe = popen(command, "r");
    if (pipe == NULL) {
        note("cannot run %s: %s", PYTHON, strerror(errno));
        return;
    }
    while (fgets(line, sizeof line, pipe) != NULL) {
        double t[REPS];
        int n;

        if (strncmp(line, "no-torch", 8) == 0)
            result->missing = 1;
        else if (sscanf(line, "first %lf %lf", &result->loss, &result->norm) ==
                 2)
            result->found = 1;
        else if (found_threads < 2 && sscanf(line, "threads %d %lf %lf %lf", &n,
                                             &t[0], &t[1], &t[2]) == 1 + REPS) {
            result->threads[found_threads] = n;
            result->seconds[found_threads] = median(t, REPS);
            found_threads++;
        }
    }
    if (pclose(pipe) != 0 || (result->found && found_threads != 2)) {
        if (!result->missing)
            note("%s %s failed; see its messages above", PYTHON, script);
        result->found = 0;
    }
    remove(script);
    remove(params);
}

static double relative_difference(double a, double b)
{
    double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);

    return scale > 0.0 ? fabs(a - b) / scale : 0.0;
}

/* One problem: optbench's epoch, then torch's, then the lines. Returns 0
 * when torch is missing (so the caller prints the hint once). */
static int bench_problem(const char *name, int torch_wanted)
{
    static const struct ob_setting softmax_settings[] = {{"batch", BATCH_TEXT},
                                                         {"l2", L2_TEXT}};
    static const struct ob_setting mlp_settings[] = {{"batch", BATCH_TEXT},
                                                     {"l2", L2_TEXT},
                                                     {"width", WIDTH_TEXT},
                                                     {"activation", "tanh"}};
    int mlp = strncmp(name, "mlp", 3) == 0;
    struct ob_problem p = {0};
    struct ob_error err;
    struct torch_result torch;
    double seconds[REPS], first_loss = 0.0, norm = 0.0, optbench;
    double *theta, *grad;
    size_t *rows, hidden;
    int status;

    status = ob_problem_create(&p, ob_problem_find(name),
                               mlp ? mlp_settings : softmax_settings,
                               mlp ? 4 : 2, &err);
    if (status != OB_OK) {
        note("%s", err.message);
        exit(1);
    }
    theta = malloc(sizeof(double) * p.dim);
    grad = malloc(sizeof(double) * p.dim);
    rows = malloc(sizeof(size_t) * p.train_rows);
    if (theta == NULL || grad == NULL || rows == NULL) {
        note("out of memory");
        exit(1);
    }
    for (size_t i = 0; i < p.train_rows; i++)
        rows[i] = i;

    /* The MLP's start is its seeded Glorot draw; the softmax start is all
     * zeros, where every row's loss is log 10, so a seeded draw checks
     * more. */
    if (mlp) {
        memcpy(theta, p.start, sizeof(double) * p.dim);
    } else {
        struct ob_rng rng;

        ob_rng_seed(&rng, PARAM_SEED);
        for (size_t j = 0; j < p.dim; j++)
            theta[j] = SOFTMAX_MAX * (2.0 * ob_rng_uniform(&rng) - 1.0);
    }
    hidden = mlp ? (p.dim - 10) / (784 + 1 + 10) : 0;

    first_loss = p.type->eval_rows(&p, theta, grad, rows, BATCH);
    for (size_t j = 0; j < p.dim; j++)
        norm += grad[j] * grad[j];
    norm = sqrt(norm);

    for (int r = 0; r < REPS; r++) {
        double start = now();

        for (size_t lo = 0; lo < p.train_rows; lo += BATCH) {
            size_t n = p.train_rows - lo < BATCH ? p.train_rows - lo : BATCH;

            p.type->eval_rows(&p, theta, grad, rows + lo, n);
        }
        seconds[r] = now() - start;
    }
    optbench = median(seconds, REPS);

    if (torch_wanted)
        run_torch(theta, p.dim, hidden, &torch);
    else
        memset(&torch, 0, sizeof torch);

    printf("%s, %zu parameters\n", name, p.dim);
    printf("  %-28s %8.3f s\n", "optbench, 1 thread", optbench);
    if (torch.found) {
        double loss_diff = relative_difference(first_loss, torch.loss);
        double norm_diff = relative_difference(norm, torch.norm);
        int ok = loss_diff <= CHECK_RTOL && norm_diff <= CHECK_RTOL;

        for (int t = 0; t < 2; t++) {
            char label[64];

            snprintf(label, sizeof label, "torch, %d thread%s%s",
                     torch.threads[t], torch.threads[t] == 1 ? "" : "s",
                     t == 1 ? " (default)" : "");
            printf("  %-28s %8.3f s   optbench/torch %.2f\n", label,
                   torch.seconds[t], optbench / torch.seconds[t]);
        }
        printf("  first minibatch: loss %.17g vs %.17g, |grad| %.17g vs "
               "%.17g\n  relative differences %.1e, %.1e: %s\n",
               first_loss, torch.loss, norm, torch.norm, loss_diff, norm_diff,
               ok ? "OK" : "MISMATCH");
    }

    ob_problem_destroy(&p);
    free(theta);
    free(grad);
    free(rows);
    return !torch.missing;
}

int main(int argc, char **argv)
{
    static const char *const names[] = {"softmax-fashion-mnist",
                                        "mlp-fashion-mnist"};
    const char *base = getenv("TMPDIR");
    int torch_wanted = 1;

    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: bench_models (no arguments; about a minute; "
                        "results on stdout)\n");
        return 2;
    }
    if (!fashion_installed()) {
        printf("bench_models: Fashion-MNIST is not installed (%s); run: "
               "apt-get install dataset-fashion-mnist\n",
               ob_fashion_mnist_dir());
        return 0;
    }
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    snprintf(temp_dir, sizeof temp_dir, "%s/bench_models.XXXXXX", base);
    if (mkdtemp(temp_dir) == NULL) {
        note("cannot create a folder under %s: %s", base, strerror(errno));
        return 1;
    }

    printf("optbench models benchmark: one epoch's gradients (60000 rows, "
           "minibatches of %d, eval_rows at fixed parameters),\nmedians of "
           "%d repetitions, torch float64 autograd in the same run; "
           "%ld CPUs online,\n1-minute load average %.2f at start (-1: "
           "unknown)\n\n",
           BATCH, REPS, sysconf(_SC_NPROCESSORS_ONLN), load_average());
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!bench_problem(names[i], torch_wanted)) {
            torch_wanted = 0;
            printf("  torch: not installed; for the comparison run: "
                   "apt-get install python3-torch\n");
        }
        fflush(stdout);
    }
    rmdir(temp_dir);
    return 0;
}
