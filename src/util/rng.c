/* xoshiro256** (Blackman and Vigna, 2018) with splitmix64 seeding, and
 * FNV-1a hashing of run identities. */
#include "rng.h"

#include <math.h>

#define OB_TWO_PI 6.283185307179586476925286766559

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void ob_rng_seed(struct ob_rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        rng->state[i] = splitmix64(&seed);
}

uint64_t ob_rng_next(struct ob_rng *rng)
{
    uint64_t *s = rng->state;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double ob_rng_uniform(struct ob_rng *rng)
{
    return (double)(ob_rng_next(rng) >> 11) * 0x1.0p-53;
}

double ob_rng_normal(struct ob_rng *rng)
{
    /* 1 - u lies in (0, 1], so the logarithm is finite. */
    double u1 = 1.0 - ob_rng_uniform(rng);
    double u2 = ob_rng_uniform(rng);

    return sqrt(-2.0 * log(u1)) * cos(OB_TWO_PI * u2);
}

size_t ob_rng_below(struct ob_rng *rng, size_t bound)
{
    /* Rejection keeps every value equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % (uint64_t)bound;
    uint64_t r;

    do {
        r = ob_rng_next(rng);
    } while (r >= limit);
    return (size_t)(r % (uint64_t)bound);
}

static uint64_t fnv1a(uint64_t hash, const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        hash ^= *c;
        hash *= 0x100000001b3ULL;
    }
    /* A separator, so ("ab", "c") and ("a", "bc") hash differently. */
    hash ^= 0xff;
    return hash * 0x100000001b3ULL;
}

uint64_t ob_seed_derive(uint64_t suite_seed, const char *problem,
                        const char *optimizer, uint64_t replicate)
{
    uint64_t hash = 0xcbf29ce484222325ULL;
    uint64_t mix = suite_seed;

    hash = fnv1a(hash, problem);
    hash = fnv1a(hash, optimizer);
    mix ^= splitmix64(&hash);
    mix ^= replicate * 0xd1342543de82ef95ULL;
    return splitmix64(&mix);
}
