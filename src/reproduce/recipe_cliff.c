/* The cliff of a one-unit recurrent net (Pascanu, Mikolov and Bengio, "On
 * the difficulty of training recurrent neural networks", ICML 2013,
 * section 3 and figure 6): the error surface over (w, b) of
 *   x_0 = 0.5, x_t = w sigmoid(x_{t-1}) + b, loss (x_50 - 0.7)^2
 * (the catalogue's `cliff` problem), gradient-descent paths that meet its
 * wall, and the same paths with the gradient's norm clipped. */
#include "recipe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STARTS 8
#define LR     0.01
#define CLIP   1.0
/* A step this long (in (w, b)) is a throw: 100 times the longest step a
 * clipped path can make, lr * CLIP. */
#define THROW  1.0
#define W_FROM 3.0
#define W_TO   9.0
#define B_FROM -6.0
#define B_TO   1.0

/* Starts on the upper side of the wall, where the loss slopes down to it. */
static const double starts[STARTS][2] = {
    {5.5, -2.5}, {6.0, -2.5}, {6.5, -3.0}, {7.0, -3.0},
    {5.5, -2.0}, {6.0, -2.0}, {6.5, -2.5}, {7.0, -2.5},
};

struct path {
    size_t steps;      /* steps made (stops early when not finite) */
    double *points;    /* (steps + 1) * 2 */
    double *loss;      /* steps + 1 */
    double longest;    /* longest single step */
    size_t throw_step; /* first step longer than THROW, 0 if none */
    double loss_before, loss_after; /* around that step */
};

static int run_path(const struct ob_problem *problem, const double *x0,
                    int clipped, size_t steps, struct path *path,
                    struct ob_error *err)
{
    struct ob_optimizer opt;
    char settings[128];
    double x[2], g[2];
    int status;

    memset(path, 0, sizeof *path);
    path->points = malloc((steps + 1) * 3 * sizeof(double));
    if (path->points == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    path->loss = path->points + 2 * (steps + 1);
    snprintf(settings, sizeof settings, "lr=%.17g%s", LR,
             clipped ? " clip_norm=1" : "");
    status = ob_recipe_optimizer(&opt, "sgd", settings, 2, err);
    if (status != OB_OK) {
        free(path->points);
        return status;
    }
    memcpy(x, x0, sizeof x);
    memcpy(path->points, x, sizeof x);
    path->loss[0] = ob_problem_eval(problem, x, g, NULL);
    for (size_t t = 1; t <= steps; t++) {
        double length;

        ob_optimizer_step(&opt, x, g);
        memcpy(path->points + 2 * t, x, sizeof x);
        path->loss[t] = ob_problem_eval(problem, x, g, NULL);
        path->steps = t;
        length = hypot(x[0] - path->points[2 * t - 2],
                       x[1] - path->points[2 * t - 1]);
        path->longest = fmax(path->longest, length);
        if (length > THROW && path->throw_step == 0) {
            path->throw_step = t;
            path->loss_before = path->loss[t - 1];
            path->loss_after = path->loss[t];
        }
        if (!isfinite(path->loss[t]) || !isfinite(x[0]) || !isfinite(x[1]))
            break;
    }
    ob_optimizer_destroy(&opt);
    return OB_OK;
}

/* log10 of the loss over a regular grid of (w, b), one block per w. */
static int write_surface(const struct ob_recipe_context *ctx,
                         const struct ob_problem *problem, size_t size,
                         struct ob_error *err)
{
    struct ob_atomic_file file;
    int status =
        ob_recipe_csv_open(ctx, "surface.csv", "w,b,log10_loss", &file, err);

    if (status != OB_OK)
        return status;
    for (size_t i = 0; i < size; i++) {
        for (size_t j = 0; j < size; j++) {
            double x[2] = {
                W_FROM + (W_TO - W_FROM) * (double)i / (double)(size - 1),
                B_FROM + (B_TO - B_FROM) * (double)j / (double)(size - 1)};
            double loss = ob_problem_eval(problem, x, NULL, NULL);

            ob_write_double(file.stream, x[0]);
            fputc(',', file.stream);
            ob_write_double(file.stream, x[1]);
            fputc(',', file.stream);
            ob_write_double(file.stream, log10(fmax(loss, 1e-8)));
            fputc('\n', file.stream);
        }
        fputc('\n', file.stream);
    }
    return ob_atomic_commit(&file, err);
}

/* The wall across the chart: for each w, the b in [B_FROM, B_TO] where
 * the loss jumps most between neighbouring samples, bisected to 1e-9;
 * only jumps of more than 1 count (below w = 4 there is no wall). */
static int write_wall(const struct ob_recipe_context *ctx,
                      const struct ob_problem *problem, struct ob_error *err)
{
    struct ob_atomic_file file;
    int status = ob_recipe_csv_open(ctx, "wall.csv", "w,b,jump", &file, err);

    if (status != OB_OK)
        return status;
    for (int i = 0; i <= 120; i++) {
        double w = W_FROM + (W_TO - W_FROM) * i / 120.0, best = 0.0;
        double low = 0.0, high = 0.0, previous = NAN;

        for (int j = 0; j <= 2000; j++) {
            double b = B_FROM + (B_TO - B_FROM) * j / 2000.0;
            double loss =
                ob_problem_eval(problem, (double[2]){w, b}, NULL, NULL);

            if (j > 0 && fabs(loss - previous) > best) {
                best = fabs(loss - previous);
                low = b - (B_TO - B_FROM) / 2000.0;
                high = b;
            }
            previous = loss;
        }
        if (best <= 1.0)
            continue;
        while (high - low > 1e-9) {
            double middle = 0.5 * (low + high);
            double at_low =
                ob_problem_eval(problem, (double[2]){w, low}, NULL, NULL);
            double at_middle =
                ob_problem_eval(problem, (double[2]){w, middle}, NULL, NULL);

            if (fabs(at_middle - at_low) < 0.5 * best)
                low = middle;
            else
                high = middle;
        }
        ob_write_double(file.stream, w);
        fputc(',', file.stream);
        ob_write_double(file.stream, 0.5 * (low + high));
        fputc(',', file.stream);
        ob_write_double(file.stream, best);
        fputc('\n', file.stream);
    }
    return ob_atomic_commit(&file, err);
}

static int write_paths(const struct ob_recipe_context *ctx,
                       struct path paths[2][STARTS], struct ob_error *err)
{
    struct ob_atomic_file file;
    int status = ob_recipe_csv_open(ctx, "paths.csv",
                                    "clipped,start,step,w,b,loss", &file, err);

    if (status != OB_OK)
        return status;
    for (int c = 0; c < 2; c++) {
        for (int s = 0; s < STARTS; s++) {
            const struct path *p = &paths[c][s];

            for (size_t t = 0; t <= p->steps; t++) {
                fprintf(file.stream, "%d,%d,%zu,", c, s, t);
                ob_write_double(file.stream, p->points[2 * t]);
                fputc(',', file.stream);
                ob_write_double(file.stream, p->points[2 * t + 1]);
                fputc(',', file.stream);
                ob_write_double(file.stream, p->loss[t]);
                fputc('\n', file.stream);
            }
            /* Two blank lines: one gnuplot `index` per path. */
            fputs("\n\n", file.stream);
        }
    }
    return ob_atomic_commit(&file, err);
}

/* The wall on the line w = 6.5 through the default start: where x_T
 * jumps from one fixed point's basin to the other. Bisects the jump of the
 * loss between b = -3.6 and -3.5 to 1e-12 and compares the gradient's norm
 * there with its largest value on the rest of the line, b in [-6, 1] more
 * than 0.01 from the wall. */
static void measure_wall(const struct ob_problem *problem, double *wall,
                         double *peak, double *elsewhere, double *below,
                         double *above)
{
    double low = -3.6, high = -3.5, g[2];
    double loss_low =
        ob_problem_eval(problem, (double[2]){6.5, low}, NULL, NULL);

    while (high - low > 1e-12) {
        double middle = 0.5 * (low + high);
        double loss =
            ob_problem_eval(problem, (double[2]){6.5, middle}, NULL, NULL);

        /* The loss is near loss_low on the lower side of the wall. */
        if (fabs(loss - loss_low) < 1.0)
            low = middle;
        else
            high = middle;
    }
    *wall = 0.5 * (low + high);
    *below =
        ob_problem_eval(problem, (double[2]){6.5, *wall - 0.01}, NULL, NULL);
    *above =
        ob_problem_eval(problem, (double[2]){6.5, *wall + 0.01}, NULL, NULL);
    ob_problem_eval(problem, (double[2]){6.5, low}, g, NULL);
    *peak = hypot(g[0], g[1]);
    ob_problem_eval(problem, (double[2]){6.5, high}, g, NULL);
    *peak = fmax(*peak, hypot(g[0], g[1]));
    *elsewhere = 0.0;
    for (int i = 0; i <= 7000; i++) {
        double b = -6.0 + 0.001 * i;

        if (fabs(b - *wall) <= 0.01)
            continue;
        ob_problem_eval(problem, (double[2]){6.5, b}, g, NULL);
        *elsewhere = fmax(*elsewhere, hypot(g[0], g[1]));
    }
}

/* The clipped version of a path's throw: from the point before it, one
 * clipped step along the same gradient. Returns the loss after it. */
static double clipped_instead(const struct ob_problem *problem,
                              const struct path *p)
{
    const double *x0 = p->points + 2 * (p->throw_step - 1);
    double g[2], x[2];

    ob_problem_eval(problem, x0, g, NULL);
    ob_clip_norm(g, 2, CLIP);
    x[0] = x0[0] - LR * g[0];
    x[1] = x0[1] - LR * g[1];
    return ob_problem_eval(problem, x, NULL, NULL);
}

static int draw(const struct ob_recipe_context *ctx,
                struct ob_recipe_verdict *verdict, struct ob_error *err)
{
    struct ob_recipe_chart chart;
    FILE *out;
    int status = ob_recipe_chart_begin(&chart, "cliff", 1000, 800, err);

    if (status != OB_OK)
        return status;
    out = chart.body;
    /* The starts as an inline block: paths.csv's first point is its
     * header. */
    fputs("$starts << EOD\n", out);
    for (int s = 0; s < STARTS; s++)
        fprintf(out, "%g,%g\n", starts[s][0], starts[s][1]);
    fputs("EOD\n", out);
    fprintf(out,
            "set datafile separator ','\n"
            "set title 'one-unit RNN, x_t = w sigmoid(x_{t-1}) + b, loss "
            "(x_{50} - 0.7)^2: log_{10} loss, gradient-descent paths "
            "(lr %g)'\n"
            "set xlabel 'w'\nset ylabel 'b'\n"
            "set xrange [%g:%g]\nset yrange [%g:%g]\n"
            "set palette defined (-4 '#f7f7f7', 0 '#d9d9d9', 1 '#fee8c8', "
            "2 '#fdbb84', 3 '#e34a33')\n"
            "set cbrange [-4:3]\nset cblabel 'log_{10} loss'\n"
            "set key bottom left box opaque\n"
            "plot 'surface.csv' skip 1 using 1:2:3 with image "
            "notitle, ",
            LR, W_FROM, W_TO, B_FROM, B_TO);
    /* One index per path: unclipped 0..STARTS-1, clipped after. */
    fputs("'wall.csv' every ::1 using 1:2 with lines lw 5 dt 2 "
          "lc rgb '#222222' title 'the wall (loss jumps, gradient "
          "explodes)', ",
          out);
    fprintf(out,
            "for [i=0:%d] 'paths.csv' index i using 4:5 with "
            "lines lw 1.5 lc rgb '#2166ac' title (i == 0 ? 'plain gradient "
            "descent: thrown off the wall' : ''), ",
            STARTS - 1);
    fprintf(out,
            "for [i=%d:%d] 'paths.csv' index i using 4:5 with "
            "lines lw 3 lc rgb '#d7191c' title (i == %d ? 'norm clipped to "
            "%g: stays on the surface' : ''), ",
            STARTS, 2 * STARTS - 1, STARTS, CLIP);
    fputs("$starts using 1:2 with points pt 7 ps 1.2 lc rgb 'black' "
          "title 'starts'\n",
          out);
    return ob_recipe_chart_finish(&chart, ctx, verdict, err);
}

static int cliff_run(const struct ob_recipe_context *ctx,
                     struct ob_recipe_verdict *verdict, struct ob_error *err)
{
    static struct path paths[2][STARTS];
    const struct ob_problem_type *type = ob_problem_find("cliff");
    const size_t steps = ctx->fast ? 200 : 400;
    double wall, peak, elsewhere, below, above, worst_rise = INFINITY;
    double worst_clipped = 0.0, longest = 0.0;
    size_t thrown = 0, clipped_thrown = 0;
    struct ob_problem problem;
    char text[OB_CHECK_TEXT];
    int status;

    memset(paths, 0, sizeof paths);
    status = ob_problem_create(&problem, type, NULL, 0, err);
    if (status != OB_OK)
        return status;
    status = write_surface(ctx, &problem, ctx->fast ? 100 : 300, err);
    for (int c = 0; c < 2 && status == OB_OK; c++)
        for (int s = 0; s < STARTS && status == OB_OK; s++)
            status = run_path(&problem, starts[s], c, steps, &paths[c][s], err);
    if (status == OB_OK)
        status = write_paths(ctx, paths, err);
    if (status == OB_OK)
        status = write_wall(ctx, &problem, err);
    if (status != OB_OK)
        goto done;

    measure_wall(&problem, &wall, &peak, &elsewhere, &below, &above);
    for (int s = 0; s < STARTS; s++) {
        const struct path *p = &paths[0][s];

        clipped_thrown += paths[1][s].throw_step > 0;
        if (p->throw_step == 0)
            continue;
        thrown++;
        longest = fmax(longest, p->longest);
        worst_rise = fmin(worst_rise, p->loss_after / p->loss_before);
        worst_clipped =
            fmax(worst_clipped, clipped_instead(&problem, p) / p->loss_before);
    }

    ob_verdict_check(verdict,
                     "the wall: gradient norm at the loss's jump "
                     "on the line w = 6.5, over the largest norm elsewhere "
                     "on that line (b in [-6, 1], 0.01 or more away)",
                     peak / elsewhere, 1e3, 0.0, OB_CHECK_AT_LEAST,
                     "a wall is where the gradient is orders of magnitude "
                     "above the rest of the surface: at 1e3 a step of 0.1 "
                     "elsewhere becomes 100 there");
    snprintf(text, sizeof text,
             "plain gradient descent (lr %g, %zu steps) "
             "from %d starts above the wall: paths thrown off, a step "
             "longer than %g",
             LR, steps, STARTS, THROW);
    ob_verdict_check(verdict, text, (double)thrown, STARTS / 2.0, 0.0,
                     OB_CHECK_AT_LEAST,
                     "the paper's paths that reach the "
                     "wall are thrown; we ask it of at least half the "
                     "starts, since some descend beside the wall without "
                     "meeting its peak");
    ob_verdict_check(verdict,
                     "smallest rise of the loss over a throw: "
                     "loss after / loss before",
                     worst_rise, 1.0, 0.0, OB_CHECK_AT_LEAST,
                     "thrown off means sent uphill, not "
                     "a long step that happens to descend: every throw "
                     "must raise the loss");
    ob_verdict_check(verdict,
                     "the same steps clipped to norm 1, from the "
                     "same points along the same gradients: largest loss "
                     "after / loss before",
                     worst_clipped, 1.0, 0.0, OB_CHECK_AT_MOST,
                     "clipping keeps the direction and "
                     "bounds the length, so the step stays local and "
                     "descends instead of jumping up the surface");

    ob_verdict_note(verdict,
                    "The wall on w = 6.5 sits at b = %.10f: the "
                    "loss steps from %.3g (b 0.01 below) to %.3g (0.01 "
                    "above) and the gradient's norm reaches %.3g there, "
                    "against at most %.3g elsewhere on the line. %zu of %d "
                    "plain paths were thrown (steps up to %.3g long, the "
                    "loss rising at least %.3g fold); clipped paths made "
                    "no step longer than lr x %g = %g, so none was thrown "
                    "(%zu). Where the plain paths land after the throw, "
                    "descent then continues: on this surface several reach "
                    "a lower final loss than the clipped ones, which are "
                    "still walking along the wall at lr %g; the paper's "
                    "point is the throw itself, which clipping removes.",
                    wall, below, above, peak, elsewhere, thrown, STARTS,
                    longest, worst_rise, CLIP, LR * CLIP, clipped_thrown, LR);
    status = draw(ctx, verdict, err);
done:
    for (int c = 0; c < 2; c++)
        for (int s = 0; s < STARTS; s++)
            free(paths[c][s].points);
    ob_problem_destroy(&problem);
    return status;
}

const struct ob_recipe ob_recipe_cliff = {
    .name = "cliff",
    .title = "The cliff of a recurrent net",
    .citation = "Pascanu, Mikolov and Bengio 2013, On the difficulty of "
                "training recurrent neural networks, ICML, section 3 and "
                "figure 6",
    .claim = "The error surface of a one-unit recurrent net over (w, b) "
             "has a wall where the gradient explodes; gradient-descent "
             "steps that meet it are thrown far off, while the same steps "
             "with the gradient's norm clipped stay on the surface.",
    .run = cliff_run,
};
