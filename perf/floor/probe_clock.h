/* The floor probes' clock: wall seconds, and the core's clock in GHz from a chain of dependent multiplies (3 cycles
 * each on every x86-64 core we know; a chain of adds, used before, is folded away by recent Intel cores: it read
 * 11.8 GHz on Emerald Rapids). */
#ifndef PROBE_CLOCK_H
#define PROBE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline double gigahertz(void)
{
    const long trips = 100000000L;
    uint64_t x = 3;
    double t0 = seconds();
    for (long i = 0; i < trips; i++)
    {
        __asm__ volatile("imul %0, %0\n\timul %0, %0" : "+r"(x));
    }
    return 6.0 * (double)trips / (seconds() - t0) / 1e9;
}

#endif
