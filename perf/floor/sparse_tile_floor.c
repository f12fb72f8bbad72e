/* The floor of the sparse span kernel on this core, in plain C with AVX-512 intrinsics.
 *
 * FastNmf's sparse products (SparseLaneKernels) visit, per span of 256 positions and tile of lanes, every row's
 * segment of nonzeros: per nonzero one broadcast of its value and NV fused multiply-adds, each with a load of the
 * panel row its byte position names (a panel of 256 rows × NV·16 floats), even and odd nonzeros in separate
 * accumulators, the segment's sums added to the row's output at its end. This program times exactly that loop over a
 * panel that stays near the core and segments of 85–105 nonzeros (37 % of a 256-position span, varying as real
 * segments do, so the loop exits mispredict as they do), one thread, no managed code. It prints cycles per nonzero
 * and per tile, and multiply-adds per cycle, at NV = 1, 2, 3, 4 and 6 (16 to 96 lanes), and at NV = 2, 3, 4 with four
 * accumulator sets instead of two.
 * Usage: sparse_tile_floor [GHz, measured if absent]
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "probe_clock.h"

enum { NonZeros = 16000000, Rows = 256, Outputs = 1024, Repeats = 5 };

#define SEGMENT(NV)                                                                                                  \
    static void segment##NV(const uint8_t* idx, const float* val, long n, const float* rows, float* d)               \
    {                                                                                                                \
        __m512 e[NV], o[NV];                                                                                         \
        for (int i = 0; i < NV; i++) { e[i] = _mm512_setzero_ps(); o[i] = e[i]; }                                    \
        long p = 0;                                                                                                  \
        for (; p + 1 < n; p += 2)                                                                                    \
        {                                                                                                            \
            const __m512 ve = _mm512_set1_ps(val[p]), vo = _mm512_set1_ps(val[p + 1]);                               \
            const float* re = rows + (size_t)idx[p] * (NV * 16);                                                     \
            const float* ro = rows + (size_t)idx[p + 1] * (NV * 16);                                                 \
            for (int i = 0; i < NV; i++) e[i] = _mm512_fmadd_ps(ve, _mm512_load_ps(re + 16 * i), e[i]);              \
            for (int i = 0; i < NV; i++) o[i] = _mm512_fmadd_ps(vo, _mm512_load_ps(ro + 16 * i), o[i]);              \
        }                                                                                                            \
        if (p < n)                                                                                                   \
        {                                                                                                            \
            const __m512 ve = _mm512_set1_ps(val[p]);                                                                \
            const float* re = rows + (size_t)idx[p] * (NV * 16);                                                     \
            for (int i = 0; i < NV; i++) e[i] = _mm512_fmadd_ps(ve, _mm512_load_ps(re + 16 * i), e[i]);              \
        }                                                                                                            \
        for (int i = 0; i < NV; i++)                                                                                 \
            _mm512_store_ps(d + 16 * i, _mm512_add_ps(_mm512_load_ps(d + 16 * i), _mm512_add_ps(e[i], o[i])));       \
    }

SEGMENT(1)
SEGMENT(2)
SEGMENT(3)
SEGMENT(4)
SEGMENT(6)

/* The same loop with four accumulator sets (nonzeros p, p+1, p+2, p+3 in turn): if the two sets above were bound by
 * the multiply-add latency, this would be faster. */
#define SEGMENT4(NV)                                                                                                 \
    static void quad##NV(const uint8_t* idx, const float* val, long n, const float* rows, float* d)                  \
    {                                                                                                                \
        __m512 a[NV], b[NV], c[NV], e[NV];                                                                           \
        for (int i = 0; i < NV; i++) { a[i] = _mm512_setzero_ps(); b[i] = a[i]; c[i] = a[i]; e[i] = a[i]; }          \
        long p = 0;                                                                                                  \
        for (; p + 3 < n; p += 4)                                                                                    \
        {                                                                                                            \
            const __m512 va = _mm512_set1_ps(val[p]), vb = _mm512_set1_ps(val[p + 1]);                               \
            const __m512 vc = _mm512_set1_ps(val[p + 2]), ve = _mm512_set1_ps(val[p + 3]);                           \
            const float* ra = rows + (size_t)idx[p] * (NV * 16);                                                     \
            const float* rb = rows + (size_t)idx[p + 1] * (NV * 16);                                                 \
            const float* rc = rows + (size_t)idx[p + 2] * (NV * 16);                                                 \
            const float* re = rows + (size_t)idx[p + 3] * (NV * 16);                                                 \
            for (int i = 0; i < NV; i++) a[i] = _mm512_fmadd_ps(va, _mm512_load_ps(ra + 16 * i), a[i]);              \
            for (int i = 0; i < NV; i++) b[i] = _mm512_fmadd_ps(vb, _mm512_load_ps(rb + 16 * i), b[i]);              \
            for (int i = 0; i < NV; i++) c[i] = _mm512_fmadd_ps(vc, _mm512_load_ps(rc + 16 * i), c[i]);              \
            for (int i = 0; i < NV; i++) e[i] = _mm512_fmadd_ps(ve, _mm512_load_ps(re + 16 * i), e[i]);              \
        }                                                                                                            \
        for (; p < n; p++)                                                                                           \
        {                                                                                                            \
            const __m512 va = _mm512_set1_ps(val[p]);                                                                \
            const float* ra = rows + (size_t)idx[p] * (NV * 16);                                                     \
            for (int i = 0; i < NV; i++) a[i] = _mm512_fmadd_ps(va, _mm512_load_ps(ra + 16 * i), a[i]);              \
        }                                                                                                            \
        for (int i = 0; i < NV; i++)                                                                                 \
            _mm512_store_ps(d + 16 * i, _mm512_add_ps(_mm512_load_ps(d + 16 * i),                                    \
                _mm512_add_ps(_mm512_add_ps(a[i], b[i]), _mm512_add_ps(c[i], e[i]))));                               \
    }

SEGMENT4(2)
SEGMENT4(3)
SEGMENT4(4)

typedef void (*segment_fn)(const uint8_t*, const float*, long, const float*, float*);

int main(int argc, char** argv)
{
    double ghz = argc > 1 ? atof(argv[1]) : gigahertz();
    uint8_t* idx = aligned_alloc(64, NonZeros + 64);
    float* val = aligned_alloc(64, (NonZeros + 64) * sizeof(float));
    long* start = malloc(sizeof(long) * (NonZeros / 80 + 2));
    long segments = 0, at = 0;
    srand(1);
    while (at + 110 < NonZeros)
    {
        long n = 85 + rand() % 21;
        start[segments++] = at;
        for (long i = 0; i < n; i++)
        {
            idx[at + i] = (uint8_t)(rand() % Rows);
            val[at + i] = (float)(1 + rand() % 3);
        }
        at += n;
    }
    start[segments] = at;
    long nonzeros = at;
    float* rows = aligned_alloc(64, Rows * 96 * sizeof(float));
    float* out = aligned_alloc(64, Outputs * 96 * sizeof(float));
    for (long i = 0; i < Rows * 96; i++) rows[i] = 1e-3f * (float)(i % 7);
    for (long i = 0; i < Outputs * 96; i++) out[i] = 0;
    const int widths[] = {1, 2, 3, 4, 6, 2, 3, 4};
    const segment_fn kernels[] = {segment1, segment2, segment3, segment4, segment6, quad2, quad3, quad4};
    printf("clock %.2f GHz; %ld nonzeros in segments of 85-105, a panel of %d rows\n", ghz, nonzeros, Rows);
    for (int w = 0; w < 8; w++)
    {
        int nv = widths[w];
        double best = 1e30;
        for (int r = 0; r < Repeats; r++)
        {
            double t0 = seconds();
            for (long s = 0; s < segments; s++)
            {
                kernels[w](idx + start[s], val + start[s], start[s + 1] - start[s], rows, out + (s % Outputs) * 96);
            }
            double t = seconds() - t0;
            best = t < best ? t : best;
        }
        double cycles = best * ghz * 1e9 / (double)nonzeros;
        printf("tile of %2d lanes (%d vectors, panel %3d KiB)%s: %.2f cycles per nonzero, %.2f multiply-adds per cycle (check %g)\n",
               nv * 16, nv, Rows * nv * 64 / 1024, w >= 5 ? ", four accumulator sets" : "", cycles, nv / cycles, (double)out[3]);
    }
    return 0;
}
