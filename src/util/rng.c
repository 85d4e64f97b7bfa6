/* xoshiro256** (Blackman & Vigna): small, fast and the same stream on every
 * platform, so `--seed` reproduces a run exactly. */
#include <config.h>
#include <pesx/util.h>

#include <math.h>

static unsigned long long splitmix64(unsigned long long *x)
{
    unsigned long long z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static unsigned long long rotl(unsigned long long x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void pesx_rng_seed(pesx_rng *r, unsigned long long seed)
{
    unsigned long long x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

unsigned long long pesx_rng_next(pesx_rng *r)
{
    unsigned long long *s = r->s;
    unsigned long long result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double pesx_rng_uniform(pesx_rng *r)
{
    return (double)(pesx_rng_next(r) >> 11) * 0x1.0p-53;
}

double pesx_rng_normal(pesx_rng *r)
{
    /* Box-Muller; u1 in (0, 1] so the log is finite. */
    double u1 = 1.0 - pesx_rng_uniform(r), u2 = pesx_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}
