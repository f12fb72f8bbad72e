/* factorize_npy — factorize a 4D-STEM data set through the FastNmf C ABI.
 *
 *   factorize_npy [INPUT.npy] [-k K] [-i ITERATIONS] [-r RESTARTS] [-o OUTDIR] [--save-input FILE.npy]
 *
 * INPUT.npy: 4-D (scan_rows, scan_cols, det_rows, det_cols), little-endian float32 ('<f4') or uint16 ('<u2'), C or
 * Fortran order — what `fastnmf simulate` writes. Without INPUT the paper's simulated set is made through
 * fastnmf_simulate (and saved with --save-input). Prints the backend, the progress every 50 iterations and the final
 * MSE; writes OUTDIR/W.npy (k, det_rows, det_cols) and OUTDIR/H.npy (k, scan_rows, scan_cols), refusing to replace
 * existing files. Defaults: k = 4, the paper's 500 iterations x 10 restarts, OUTDIR = ".". */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fastnmf.h"

static int fail(const char* what, fastnmf_status s)
{
    fprintf(stderr, "factorize_npy: %s: %s: %s\n", what, fastnmf_status_name(s), fastnmf_last_error());
    return 1;
}

/* A data set in memory: float32 or uint16 values with their layout. */
typedef struct dataset {
    void* values;
    size_t length;
    int is_uint16;
    fastnmf_layout layout;
} dataset;

static int read_npy(const char* path, dataset* d)
{
    FILE* f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "factorize_npy: %s: %s\n", path, strerror(errno));
        return 1;
    }
    unsigned char pre[12];
    char header[4096];
    size_t header_length = 0;
    int ok = fread(pre, 1, 10, f) == 10 && memcmp(pre, "\x93NUMPY", 6) == 0;
    if (ok && pre[6] == 1) {
        header_length = (size_t)pre[8] | (size_t)pre[9] << 8;
    } else if (ok && fread(pre + 10, 1, 2, f) == 2) {
        header_length = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    }
    ok = ok && header_length > 0 && header_length < sizeof header && fread(header, 1, header_length, f) == header_length;
    header[ok ? header_length : 0] = '\0';
    const char* descr = strstr(header, "'descr':");
    const char* shape = strstr(header, "'shape':");
    long long dims[4] = {0, 0, 0, 0};
    ok = ok && descr != NULL && shape != NULL &&
         sscanf(strchr(shape, '('), "(%lld,%lld,%lld,%lld)", &dims[0], &dims[1], &dims[2], &dims[3]) == 4;
    d->is_uint16 = ok && strstr(descr, "'<u2'") == descr + 9;
    ok = ok && (d->is_uint16 || strstr(descr, "'<f4'") == descr + 9);
    if (!ok || fastnmf_layout_init(&d->layout, sizeof d->layout, (int32_t)dims[0], (int32_t)dims[1], (int32_t)dims[2],
                                   (int32_t)dims[3]) != FASTNMF_STATUS_OK) {
        fprintf(stderr, "factorize_npy: %s: not a 4-D little-endian float32 or uint16 .npy file\n", path);
        fclose(f);
        return 1;
    }
    if (strstr(header, "'fortran_order': True") != NULL) {  /* first index fastest: reverse the strides */
        d->layout.stride_scan_row = 1;
        d->layout.stride_scan_col = dims[0];
        d->layout.stride_det_row = dims[0] * dims[1];
        d->layout.stride_det_col = dims[0] * dims[1] * dims[2];
    }
    size_t size = d->is_uint16 ? 2 : 4;
    d->length = (size_t)(dims[0] * dims[1] * dims[2] * dims[3]);
    d->values = malloc(d->length * size);
    ok = d->values != NULL && fread(d->values, size, d->length, f) == d->length;
    fclose(f);
    if (!ok) {
        fprintf(stderr, "factorize_npy: %s: truncated (%zu values expected)\n", path, d->length);
    }
    return !ok;
}

/* Writes a float32 C-order .npy; never replaces an existing file ("wx"). */
static int write_npy(const char* path, const float* values, const long long* shape, int rank)
{
    char header[128];
    int n = snprintf(header, sizeof header, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < rank; i++) {
        n += snprintf(header + n, sizeof header - (size_t)n, "%lld, ", shape[i]);
    }
    n += snprintf(header + n, sizeof header - (size_t)n, "), }");
    while ((10 + n + 1) % 64 != 0) {
        header[n++] = ' ';
    }
    header[n++] = '\n';
    size_t count = 1;
    for (int i = 0; i < rank; i++) {
        count *= (size_t)shape[i];
    }
    FILE* f = fopen(path, "wx");
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(n & 0xff), (unsigned char)(n >> 8)};
    int ok = f != NULL && fwrite(pre, 1, 10, f) == 10 && fwrite(header, 1, (size_t)n, f) == (size_t)n &&
             fwrite(values, sizeof *values, count, f) == count;
    if (f != NULL && fclose(f) != 0) {
        ok = 0;
    }
    if (!ok) {
        fprintf(stderr, "factorize_npy: cannot write %s: %s\n", path, strerror(errno));
    }
    return !ok;
}

static int report(void* user_data, const fastnmf_progress* p)
{
    (void)user_data;
    if (p->iteration % 50 == 49 || p->iteration == p->iterations - 1) {
        printf("  restart %d iteration %d: MSE %.6f\n", p->restart, p->iteration + 1, p->mse);
    }
    return 0; /* nonzero would cancel the run */
}

int main(int argc, char** argv)
{
    const char *input = NULL, *out_dir = ".", *save_input = NULL;
    fastnmf_params params;
    fastnmf_status s = fastnmf_params_init(&params, sizeof params);
    if (s != FASTNMF_STATUS_OK) {
        return fail("fastnmf_params_init", s);
    }
    params.components = 4;
    for (int i = 1; i < argc; i++) {
        int has_value = i + 1 < argc;
        if (strcmp(argv[i], "-k") == 0 && has_value) {
            params.components = atoi(argv[++i]);
        } else if (strcmp(argv[i], "-i") == 0 && has_value) {
            params.iterations = atoi(argv[++i]);
        } else if (strcmp(argv[i], "-r") == 0 && has_value) {
            params.restarts = atoi(argv[++i]);
        } else if (strcmp(argv[i], "-o") == 0 && has_value) {
            out_dir = argv[++i];
        } else if (strcmp(argv[i], "--save-input") == 0 && has_value) {
            save_input = argv[++i];
        } else if (argv[i][0] != '-' && input == NULL) {
            input = argv[i];
        } else {
            fprintf(stderr, "usage: factorize_npy [INPUT.npy] [-k K] [-i ITERATIONS] [-r RESTARTS] [-o OUTDIR] [--save-input FILE.npy]\n");
            return 2;
        }
    }

    dataset d;
    if (input != NULL) {
        if (read_npy(input, &d) != 0) {
            return 1;
        }
    } else {
        fastnmf_simulation sim;
        fastnmf_simulation_init(&sim, sizeof sim);
        fastnmf_simulate(&sim, NULL, 0, &d.length); /* BUFFER_TOO_SMALL, with the size */
        d.values = malloc(d.length * sizeof(float));
        d.is_uint16 = 0;
        if (d.values == NULL || (s = fastnmf_simulate(&sim, d.values, d.length, NULL)) != FASTNMF_STATUS_OK) {
            return fail("fastnmf_simulate", s);
        }
        fastnmf_layout_init(&d.layout, sizeof d.layout, sim.scan_rows, sim.scan_cols, sim.det_rows, sim.det_cols);
        const long long shape[4] = {sim.scan_rows, sim.scan_cols, sim.det_rows, sim.det_cols};
        if (save_input != NULL && write_npy(save_input, d.values, shape, 4) != 0) {
            return 1;
        }
    }

    char backend[512];
    if (fastnmf_describe_backend(backend, sizeof backend, NULL) == FASTNMF_STATUS_OK) {
        printf("%s\n", backend);
    }
    fastnmf_factorizer* f = NULL;
    if ((s = fastnmf_factorizer_create(&params, &f)) != FASTNMF_STATUS_OK) {
        return fail("fastnmf_factorizer_create", s);
    }
    fastnmf_factorizer_set_progress(f, report, NULL);
    s = d.is_uint16 ? fastnmf_factorizer_run_u16(f, d.values, d.length, &d.layout)
                    : fastnmf_factorizer_run_f32(f, d.values, d.length, &d.layout);
    if (s != FASTNMF_STATUS_OK) {
        return fail("run", s);
    }
    fastnmf_result_info info = {.struct_size = sizeof info};
    fastnmf_factorizer_get_result_info(f, &info);
    float* w = malloc(info.w_length * sizeof *w);
    float* h = malloc(info.h_length * sizeof *h);
    if (w == NULL || h == NULL || (s = fastnmf_factorizer_get_w(f, w, info.w_length, NULL)) != FASTNMF_STATUS_OK ||
        (s = fastnmf_factorizer_get_h(f, h, info.h_length, NULL)) != FASTNMF_STATUS_OK) {
        return fail("reading W and H", s);
    }
    printf("MSE %.6f (restart %d of %d kept), %.2f s\n", info.mse, info.chosen_restart, info.restarts, info.elapsed_seconds);

    char path[4096];
    const long long w_shape[3] = {info.components, info.det_rows, info.det_cols};
    const long long h_shape[3] = {info.components, info.scan_rows, info.scan_cols};
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "factorize_npy: cannot create %s: %s\n", out_dir, strerror(errno));
        return 1;
    }
    snprintf(path, sizeof path, "%s/W.npy", out_dir);
    int failed = write_npy(path, w, w_shape, 3);
    snprintf(path, sizeof path, "%s/H.npy", out_dir);
    failed = failed || write_npy(path, h, h_shape, 3);
    fastnmf_factorizer_destroy(f);
    free(w);
    free(h);
    free(d.values);
    return failed;
}
