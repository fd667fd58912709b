/* Two-dimensional classification sets made at create time from their own
 * seeded generator: interleaving half-moons and spiral arms. */
#ifndef OB_GENERATED_H
#define OB_GENERATED_H

#include <stddef.h>
#include <stdint.h>

#include "../../src/util/error.h"
#include "dataset.h"

/* Upper bound on train_rows + test_rows for both generators. */
#define OB_GENERATED_MAX_ROWS 1000000

/* Two interleaving half-moons. Row i (training rows first, then test rows,
 * from one stream seeded with seed) has class c = i mod 2 and draws, in
 * this order, u ~ U[0, 1) then two normals e1, e2; with t = pi u the point
 * is (cos t, sin t) for class 0 and (1 - cos t, 1/2 - sin t) for class 1,
 * plus noise (e1, e2). The test rows come after the training rows in the
 * stream, so the training set depends only on seed, train_rows and noise.
 * ds gets rows = train_rows + test_rows, features 2, classes 2,
 * class_names NULL, values as drawn (not standardised). Fails with
 * OB_EINVAL (either count 0, their sum above OB_GENERATED_MAX_ROWS, noise
 * negative or not finite) or OB_ENOMEM, leaving ds empty. */
int ob_generate_moons(struct ob_dataset *ds, size_t train_rows,
                      size_t test_rows, double noise, uint64_t seed,
                      struct ob_error *err);

/* `arms` spiral arms around the origin, one class each. Row i has class
 * c = i mod arms and draws u ~ U[0, 1) then two normals e1, e2; the point
 * is u (cos a, sin a) + noise (e1, e2) with a = 2 pi (turns u + c / arms):
 * every arm grows from the centre to radius 1 over `turns` turns. Rows,
 * stream order and errors as for ob_generate_moons, classes = arms; also
 * OB_EINVAL for arms outside [2, 10] or turns outside (0, 10]. */
int ob_generate_spirals(struct ob_dataset *ds, size_t train_rows,
                        size_t test_rows, size_t arms, double turns,
                        double noise, uint64_t seed, struct ob_error *err);

#endif
