/* Half-moons and spirals: see generated.h. Both follow the usual toy sets
 * (scikit-learn's make_moons; the spirals of the CS231n notes) in shape,
 * with positions drawn uniformly along each curve instead of evenly
 * spaced, so any number of rows comes from one stream. */
#include "generated.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/util/numeric.h"
#include "../../src/util/rng.h"

static int check_sizes(size_t train_rows, size_t test_rows, double noise,
                       struct ob_error *err)
{
    if (train_rows == 0 || test_rows == 0 ||
        train_rows > OB_GENERATED_MAX_ROWS - test_rows)
        return ob_errorf(err, OB_EINVAL,
                         "train_rows=%zu and test_rows=%zu must be positive "
                         "with a sum of at most %d",
                         train_rows, test_rows, OB_GENERATED_MAX_ROWS);
    if (!(noise >= 0.0 && isfinite(noise)))
        return ob_errorf(err, OB_EINVAL,
                         "noise=%g must be finite and at least 0", noise);
    return OB_OK;
}

static int allocate(struct ob_dataset *ds, size_t train_rows, size_t test_rows,
                    size_t classes, struct ob_error *err)
{
    ds->rows = train_rows + test_rows;
    ds->train_rows = train_rows;
    ds->features = 2;
    ds->classes = classes;
    ds->x = malloc(sizeof(double) * 2 * ds->rows);
    ds->label = malloc(sizeof(size_t) * ds->rows);
    if (ds->x == NULL || ds->label == NULL) {
        ob_dataset_free(ds);
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    }
    return OB_OK;
}

int ob_generate_moons(struct ob_dataset *ds, size_t train_rows,
                      size_t test_rows, double noise, uint64_t seed,
                      struct ob_error *err)
{
    struct ob_rng rng;
    int status;

    memset(ds, 0, sizeof *ds);
    status = check_sizes(train_rows, test_rows, noise, err);
    if (status != OB_OK)
        return status;
    status = allocate(ds, train_rows, test_rows, 2, err);
    if (status != OB_OK)
        return status;

    ob_rng_seed(&rng, seed);
    for (size_t i = 0; i < ds->rows; i++) {
        size_t c = i % 2;
        double t = OB_PI * ob_rng_uniform(&rng);
        double e1 = ob_rng_normal(&rng);
        double e2 = ob_rng_normal(&rng);

        ds->x[2 * i] = (c == 0 ? cos(t) : 1.0 - cos(t)) + noise * e1;
        ds->x[2 * i + 1] = (c == 0 ? sin(t) : 0.5 - sin(t)) + noise * e2;
        ds->label[i] = c;
    }
    return OB_OK;
}

int ob_generate_spirals(struct ob_dataset *ds, size_t train_rows,
                        size_t test_rows, size_t arms, double turns,
                        double noise, uint64_t seed, struct ob_error *err)
{
    struct ob_rng rng;
    int status;

    memset(ds, 0, sizeof *ds);
    status = check_sizes(train_rows, test_rows, noise, err);
    if (status != OB_OK)
        return status;
    if (arms < 2 || arms > 10)
        return ob_errorf(err, OB_EINVAL, "arms=%zu must be in [2, 10]", arms);
    if (!(turns > 0.0 && turns <= 10.0))
        return ob_errorf(err, OB_EINVAL, "turns=%g must be in (0, 10]", turns);
    status = allocate(ds, train_rows, test_rows, arms, err);
    if (status != OB_OK)
        return status;

    ob_rng_seed(&rng, seed);
    for (size_t i = 0; i < ds->rows; i++) {
        size_t c = i % arms;
        double u = ob_rng_uniform(&rng);
        double e1 = ob_rng_normal(&rng);
        double e2 = ob_rng_normal(&rng);
        double a = 2.0 * OB_PI * (turns * u + (double)c / (double)arms);

        ds->x[2 * i] = u * cos(a) + noise * e1;
        ds->x[2 * i + 1] = u * sin(a) + noise * e2;
        ds->label[i] = c;
    }
    return OB_OK;
}
