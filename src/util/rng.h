/* Explicit random streams: xoshiro256** seeded through splitmix64.
 * There is no global stream; every run owns a struct ob_rng whose seed is
 * derived from the run's identity (ob_seed_derive). */
#ifndef OB_RNG_H
#define OB_RNG_H

#include <stddef.h>
#include <stdint.h>

struct ob_rng {
    uint64_t state[4];
};

/* Initialises rng from a 64-bit seed; every seed, 0 included, is valid. */
void ob_rng_seed(struct ob_rng *rng, uint64_t seed);

/* Next 64 random bits. */
uint64_t ob_rng_next(struct ob_rng *rng);

/* Uniform double in [0, 1) with 53 random bits. */
double ob_rng_uniform(struct ob_rng *rng);

/* Standard normal deviate (Box-Muller, one deviate per call, no cache, so
 * the stream position depends only on the number of calls). */
double ob_rng_normal(struct ob_rng *rng);

/* Uniform integer in [0, bound), bound > 0, without modulo bias. */
size_t ob_rng_below(struct ob_rng *rng, size_t bound);

/* Seed of one run from its identity. Names rather than indices, so adding a
 * problem or optimizer never shifts the stream of another run. */
uint64_t ob_seed_derive(uint64_t suite_seed, const char *problem,
                        const char *optimizer, uint64_t replicate);

#endif
