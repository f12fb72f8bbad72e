/* The floor of the sparse lane kernel on this core, in plain C with AVX2 intrinsics.
 *
 * FastNmf's sparse products visit every nonzero x_p of X once per product and add x_p times one row of 40 lanes
 * (ten restarts of k = 4) into register accumulators: one broadcast and five 256-bit multiply-adds with a load each.
 * This program times exactly that inner loop, compiled by the C compiler, over rows that stay in L1, so the number it
 * prints is what the core does per nonzero with no cache misses, no managed code and no threads. Compare it with
 * `perf/FastNmf.Benchmarks -- phases` (the managed kernel on the paper's data, 2 threads: ns per nonzero = time x
 * threads / nonzeros). Usage: sparse_lanes_floor [rows in the L1 block, default 192] [nonzeros per segment, default 70]
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "probe_clock.h"

enum { Lanes = 40, NonZeros = 8000000, Repeats = 7, Outputs = 4096 };

/* One segment: d[0..40) += sum_p val[p] * rows[idx[p]][0..40), even and odd nonzeros in separate accumulators as in
 * the managed kernel (SparseLaneKernels.GatherFrame). */
static void segment(const uint16_t* idx, const float* val, long n, const float* rows, float* d)
{
    __m256 e0 = _mm256_setzero_ps(), e1 = e0, e2 = e0, e3 = e0, e4 = e0;
    __m256 o0 = e0, o1 = e0, o2 = e0, o3 = e0, o4 = e0;
    long p = 0;
    for (; p + 1 < n; p += 2)
    {
        const __m256 ve = _mm256_broadcast_ss(val + p), vo = _mm256_broadcast_ss(val + p + 1);
        const float* re = rows + (size_t)idx[p] * Lanes;
        const float* ro = rows + (size_t)idx[p + 1] * Lanes;
        e0 = _mm256_fmadd_ps(ve, _mm256_load_ps(re), e0);
        e1 = _mm256_fmadd_ps(ve, _mm256_load_ps(re + 8), e1);
        e2 = _mm256_fmadd_ps(ve, _mm256_load_ps(re + 16), e2);
        e3 = _mm256_fmadd_ps(ve, _mm256_load_ps(re + 24), e3);
        e4 = _mm256_fmadd_ps(ve, _mm256_load_ps(re + 32), e4);
        o0 = _mm256_fmadd_ps(vo, _mm256_load_ps(ro), o0);
        o1 = _mm256_fmadd_ps(vo, _mm256_load_ps(ro + 8), o1);
        o2 = _mm256_fmadd_ps(vo, _mm256_load_ps(ro + 16), o2);
        o3 = _mm256_fmadd_ps(vo, _mm256_load_ps(ro + 24), o3);
        o4 = _mm256_fmadd_ps(vo, _mm256_load_ps(ro + 32), o4);
    }
    if (p < n)
    {
        const __m256 ve = _mm256_broadcast_ss(val + p);
        const float* re = rows + (size_t)idx[p] * Lanes;
        e0 = _mm256_fmadd_ps(ve, _mm256_load_ps(re), e0);
        e1 = _mm256_fmadd_ps(ve, _mm256_load_ps(re + 8), e1);
        e2 = _mm256_fmadd_ps(ve, _mm256_load_ps(re + 16), e2);
        e3 = _mm256_fmadd_ps(ve, _mm256_load_ps(re + 24), e3);
        e4 = _mm256_fmadd_ps(ve, _mm256_load_ps(re + 32), e4);
    }
    _mm256_store_ps(d, _mm256_add_ps(_mm256_load_ps(d), _mm256_add_ps(e0, o0)));
    _mm256_store_ps(d + 8, _mm256_add_ps(_mm256_load_ps(d + 8), _mm256_add_ps(e1, o1)));
    _mm256_store_ps(d + 16, _mm256_add_ps(_mm256_load_ps(d + 16), _mm256_add_ps(e2, o2)));
    _mm256_store_ps(d + 24, _mm256_add_ps(_mm256_load_ps(d + 24), _mm256_add_ps(e3, o3)));
    _mm256_store_ps(d + 32, _mm256_add_ps(_mm256_load_ps(d + 32), _mm256_add_ps(e4, o4)));
}

int main(int argc, char** argv)
{
    const long rowCount = argc > 1 ? atol(argv[1]) : 192;
    const long perSegment = argc > 2 ? atol(argv[2]) : 70;
    if (rowCount < 1 || rowCount > 65536 || perSegment < 1)
    {
        fprintf(stderr, "sparse_lanes_floor: rows must be 1..65536 and nonzeros per segment at least 1\n");
        return 2;
    }

    float* rows = aligned_alloc(64, (size_t)rowCount * Lanes * sizeof(float));
    float* out = aligned_alloc(64, (size_t)Outputs * Lanes * sizeof(float));
    uint16_t* idx = malloc((size_t)NonZeros * sizeof(uint16_t));
    float* val = malloc((size_t)NonZeros * sizeof(float));
    if (!rows || !out || !idx || !val)
    {
        fprintf(stderr, "sparse_lanes_floor: out of memory\n");
        return 3;
    }

    uint64_t state = 0x9E3779B97F4A7C15u; /* xorshift: the same data every run */
    for (long i = 0; i < rowCount * Lanes; i++)
    {
        rows[i] = 1e-3f * (float)(i % 7);
    }
    for (long i = 0; i < NonZeros; i++)
    {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17;
        idx[i] = (uint16_t)(state % (uint64_t)rowCount);
        val[i] = (float)(1 + (state >> 32) % 3); /* counts: 1, 2 or 3 */
    }
    for (long i = 0; i < Outputs * Lanes; i++)
    {
        out[i] = 0;
    }

    double best = 1e30;
    for (int r = 0; r < Repeats; r++)
    {
        double t0 = seconds();
        for (long s = 0, k = 0; s < NonZeros; s += perSegment, k++)
        {
            long n = NonZeros - s < perSegment ? NonZeros - s : perSegment;
            segment(idx + s, val + s, n, rows, out + (k % Outputs) * Lanes);
        }
        double t = seconds() - t0;
        best = t < best ? t : best;
    }

    double ghz = gigahertz();
    double ns = best / NonZeros * 1e9;
    printf("sparse lane kernel floor, 40 lanes, %ld rows in L1, %ld nonzeros per segment, 1 thread: %.2f ns per nonzero"
           " = %.1f cycles at %.2f GHz (checksum %.3f)\n", rowCount, perSegment, ns, ns * ghz, ghz, out[5]);
    free(rows); free(out); free(idx); free(val);
    return 0;
}
