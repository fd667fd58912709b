/* The computations behind the nqm, adam-convergence, fashion-mnist and
 * adaptive-generalization recipes: the noisy quadratic model's closed form
 * against independent derivations, the learning-rate search, and the fast
 * versions of those recipes run through the binary. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_helpers.h"
#include "reproduce/nqm_theory.h"

static void assert_close(double measured, double expected, double rtol)
{
    cr_assert(fabs(measured - expected) <= rtol * fabs(expected),
              "measured %.17g, expected %.17g (rtol %g)", measured, expected,
              rtol);
}

/* SGD on one coordinate: E x_t^2 = r^(2t) x0^2 + q (1 - r^(2t)) / (1 - r^2)
 * with r = 1 - lr h, q = lr^2 h / B. */
Test(nqm_theory, sgd_matches_the_geometric_series)
{
    const double h = 0.5, lr = 0.3, batch = 4.0, start = 2.0;
    const struct ob_nqm_method sgd = {.lr = lr};
    double r = 1.0 - lr * h, q = lr * lr * h / batch;

    for (uint64_t t = 0; t <= 200; t += 37) {
        double r2t = pow(r * r, (double)t);
        double second = r2t * start * start + q * (1.0 - r2t) / (1.0 - r * r);

        assert_close(ob_nqm_expected_loss(1, &h, start, &sgd, batch, t),
                     0.5 * h * second, 1e-12);
    }
}

/* Without noise (batch 1e300) the expected loss is the deterministic
 * heavy-ball iterate's loss, here iterated step by step. */
Test(nqm_theory, heavy_ball_without_noise_follows_the_iterates)
{
    double h[3] = {1.0, 0.2, 0.01};
    const struct ob_nqm_method hb = {.lr = 0.7, .momentum = 0.9};
    double x[3] = {1.0, 1.0, 1.0}, prev[3] = {1.0, 1.0, 1.0};

    for (uint64_t t = 1; t <= 300; t++) {
        double loss = 0.0;

        for (int i = 0; i < 3; i++) {
            double next = (1.0 + hb.momentum - hb.lr * h[i]) * x[i] -
                          hb.momentum * prev[i];

            prev[i] = x[i];
            x[i] = next;
            loss += 0.5 * h[i] * x[i] * x[i];
        }
        if (t % 50 == 0 || t == 1)
            assert_close(ob_nqm_expected_loss(3, h, 1.0, &hb, 1e300, t), loss,
                         1e-9);
    }
}

/* Preconditioning by h^-1 makes every coordinate contract alike: without
 * noise the loss is (1 - lr)^(2t) times the start's. */
Test(nqm_theory, full_preconditioning_equalises_the_coordinates)
{
    double h[4] = {1.0, 0.5, 1.0 / 3.0, 0.25}, start = 0.0;
    const struct ob_nqm_method pre = {.lr = 0.25, .power = 1.0};

    for (int i = 0; i < 4; i++)
        start += 0.5 * h[i];
    assert_close(ob_nqm_expected_loss(4, h, 1.0, &pre, 1e300, 10),
                 start * pow(0.75, 20.0), 1e-12);
}

/* The noise floor: SGD's stationary E x^2 = lr / (B (2 - lr h)) per
 * coordinate, reached after many steps. */
Test(nqm_theory, sgd_settles_at_the_noise_floor)
{
    const double h = 0.1, lr = 0.5, batch = 8.0;
    const struct ob_nqm_method sgd = {.lr = lr};

    assert_close(ob_nqm_expected_loss(1, &h, 1.0, &sgd, batch, 100000),
                 0.5 * h * lr / (batch * (2.0 - lr * h)), 1e-9);
}

static uint64_t scan_steps(size_t dim, const double *h,
                           const struct ob_nqm_method *m, double batch,
                           double target)
{
    for (uint64_t t = 0; t < 100000; t++)
        if (ob_nqm_expected_loss(dim, h, 1.0, m, batch, t) <= target)
            return t;
    return UINT64_MAX;
}

Test(nqm_theory, steps_to_target_equal_a_linear_scan)
{
    double h[20];
    const struct ob_nqm_method methods[] = {
        {.lr = 0.5}, {.lr = 0.05, .momentum = 0.5}, {.lr = 0.1, .power = 0.5}};
    struct ob_error err;

    for (int i = 0; i < 20; i++)
        h[i] = 1.0 / (i + 1);
    for (size_t k = 0; k < 3; k++) {
        uint64_t steps;

        cr_assert_eq(ob_nqm_steps_to_target(20, h, 1.0, &methods[k], 16.0, 0.2,
                                            1u << 20, &steps, &err),
                     OB_OK);
        cr_assert_eq(steps, scan_steps(20, h, &methods[k], 16.0, 0.2),
                     "method %zu: %llu steps", k, (unsigned long long)steps);
    }
}

Test(nqm_theory, a_target_below_the_noise_floor_is_never_reached)
{
    const double h = 1.0;
    const struct ob_nqm_method sgd = {.lr = 0.5};
    struct ob_error err;
    uint64_t steps = 0;

    /* Floor 0.5 * 0.5 / (1 * 1.5) = 1/6. */
    cr_assert_eq(ob_nqm_steps_to_target(1, &h, 1.0, &sgd, 1.0, 0.15, 1u << 20,
                                        &steps, &err),
                 OB_OK);
    cr_assert_eq(steps, UINT64_MAX);
    cr_assert_eq(ob_nqm_steps_to_target(1, &h, 1.0, &sgd, 1.0, 0.17, 1u << 20,
                                        &steps, &err),
                 OB_OK);
    cr_assert_lt(steps, 100);
}

Test(nqm_theory, tuned_learning_rate_beats_its_grid_neighbours)
{
    double h[50];
    const double zero = 0.0;
    struct ob_nqm_method best;
    struct ob_error err;
    uint64_t steps;

    for (int i = 0; i < 50; i++)
        h[i] = 1.0 / (i + 1);
    cr_assert_eq(ob_nqm_tune(50, h, 1.0, 0.0, &zero, 1, 4.0, 0.2, 1u << 22, 20,
                             4, &best, &steps, &err),
                 OB_OK);
    cr_assert_neq(steps, UINT64_MAX);
    for (int side = -1; side <= 1; side += 2) {
        struct ob_nqm_method other = best;
        uint64_t other_steps;

        other.lr = best.lr * pow(2.0, side * 0.25);
        if (other.lr >= ob_nqm_lr_edge(50, h, 0.0, 0.0))
            continue;
        cr_assert_eq(ob_nqm_steps_to_target(50, h, 1.0, &other, 4.0, 0.2,
                                            1u << 22, &other_steps, &err),
                     OB_OK);
        cr_assert_geq(other_steps, steps, "lr %g: %llu < %llu at lr %g",
                      other.lr, (unsigned long long)other_steps,
                      (unsigned long long)steps, best.lr);
    }
}

Test(nqm_theory, tuning_reports_an_unreachable_target)
{
    const double h = 1.0, momenta[2] = {0.0, 0.5};
    struct ob_nqm_method best;
    struct ob_error err;
    uint64_t steps = 0;

    /* SGD's floor 0.5 lr / (2 - lr) at h = 1, batch 1 is above 1e-6 even
     * at the grid's smallest lr, edge 2^-10 (about 5e-4), and heavy ball
     * is no better. */
    cr_assert_eq(ob_nqm_tune(1, &h, 1.0, 0.0, momenta, 2, 1.0, 1e-6, 1000, 10,
                             2, &best, &steps, &err),
                 OB_OK);
    cr_assert_eq(steps, UINT64_MAX);
    cr_assert(best.momentum == 0.5);
    assert_close(best.lr, ob_nqm_lr_edge(1, &h, 0.5, 0.0) / 2.0, 1e-15);
}

/* ---- The recipes, fast versions, through the binary ---- */

static void assert_recipe_holds(const char *name)
{
    char dir[64], path[256];
    const char *args[] = {"reproduce", name, "--fast", "--out", dir, NULL};
    struct cli_result result;
    char *verdict;

    make_temp_dir(dir, sizeof dir);
    result = run_cli(args, NULL);
    cr_assert_eq(result.exit_code, 0, "%s: exit %d: %s", name, result.exit_code,
                 result.err);
    snprintf(path, sizeof path, "%s/results/reproduce/%s/verdict.md", dir,
             name);
    verdict = read_whole_file(path);
    cr_assert_not_null(verdict, "no %s", path);
    cr_assert_not_null(strstr(verdict, "the claim held"), "%s", verdict);
    cr_assert_null(strstr(verdict, "| FAIL |"), "%s", verdict);
    free(verdict);
    free_result(&result);
}

Test(recipes, nqm_batch_size_holds_in_its_fast_version)
{
    assert_recipe_holds("nqm-batch-size");
}

Test(recipes, adam_convergence_holds)
{
    assert_recipe_holds("adam-convergence");
}

Test(recipes, adaptive_generalization_holds)
{
    assert_recipe_holds("adaptive-generalization");
}

Test(recipes, fashion_mnist_without_data_says_how_to_get_it)
{
    char dir[64], empty[64];
    char env_line[128];
    const char *args[] = {
        "reproduce", "fashion-mnist-baselines", "--fast", "--out", dir, NULL};
    const char *env[] = {env_line, NULL};
    struct cli_result result;

    make_temp_dir(dir, sizeof dir);
    make_temp_dir(empty, sizeof empty);
    snprintf(env_line, sizeof env_line, "OPTBENCH_FASHION_MNIST_DIR=%s", empty);
    result = run_cli(args, env);
    cr_assert_eq(result.exit_code, 1, "exit %d: %s", result.exit_code,
                 result.err);
    cr_assert_not_null(strstr(result.err, "dataset-fashion-mnist"), "%s",
                       result.err);
    free_result(&result);
}
