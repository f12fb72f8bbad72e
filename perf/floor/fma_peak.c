/* The core's multiply-add peak: twelve independent chains of 512-bit fused multiply-adds in registers (no loads), so
 * the number printed is how many vector multiply-adds per cycle the core issues — the ceiling the sparse span loop
 * (sparse_tile_floor.c) and the dense kernels are measured against. Build with -O3 (the chains must stay in registers).
 * Usage: fma_peak [GHz, measured if absent]
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include "probe_clock.h"

int main(int argc, char** argv)
{
    double ghz = argc > 1 ? atof(argv[1]) : gigahertz();
    __m512 a[12];
    for (int i = 0; i < 12; i++)
    {
        a[i] = _mm512_set1_ps(1.0f + (float)i * 1e-7f);
    }

    const __m512 m = _mm512_set1_ps(0.9999999f), c = _mm512_set1_ps(1e-7f);
    const long trips = 300000000L;
    double t0 = seconds();
    for (long k = 0; k < trips; k++)
    {
        for (int i = 0; i < 12; i++)
        {
            a[i] = _mm512_fmadd_ps(a[i], m, c);
        }
    }

    double t = seconds() - t0;
    float check = 0;
    for (int i = 0; i < 12; i++)
    {
        check += _mm512_reduce_add_ps(a[i]);
    }

    double rate = 12.0 * (double)trips / t;
    printf("clock %.2f GHz; register-only 512-bit multiply-adds: %.2f G per second = %.2f per cycle (check %g)\n", ghz, rate / 1e9, rate / (ghz * 1e9), (double)check);
    return 0;
}
