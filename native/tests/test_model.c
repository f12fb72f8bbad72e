#define _POSIX_C_SOURCE 200809L
/* CTest cases of the fitted-model ABI (fastnmf_model_*): projection against the run it came from, uint16 and padded
 * frames, masks, loading a factorize output directory, misuse, and two handles on two threads. */
#include <math.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.h"

/* A run whose H is exactly what the model projects frame by frame: map constraint [.]+ only. */
static fastnmf_factorizer* fitted_plain(const small_set* s)
{
    fastnmf_params p = small_params();
    p.map_constraint = FASTNMF_H_NON_NEGATIVE;
    fastnmf_factorizer* f = factorizer_with(&p);
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s->data, s->length, &s->layout));
    return f;
}

static float* project_all_f32(fastnmf_model* m, const float* frames, size_t count, size_t stride, double* residual)
{
    float* h = malloc(count * 2 * sizeof *h);
    CHECK(h != NULL);
    EXPECT_OK(fastnmf_model_project_f32(m, frames, count, stride, h, count * 2, residual, residual ? count : 0));
    return h;
}

static void model_of_a_run_reproduces_its_maps(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = fitted_plain(&s);
    fastnmf_model* m = NULL;
    EXPECT_OK(fastnmf_factorizer_get_model(f, &m));
    fastnmf_model_info info;
    info.struct_size = sizeof info;
    EXPECT_OK(fastnmf_model_get_info(m, &info));
    CHECK(info.components == 2 && info.det_rows == 16 && info.det_cols == 16 && info.kept_pixels == 256);
    CHECK(info.map_constraint == FASTNMF_H_NON_NEGATIVE && info.ridge == 0);
    float* fitted = malloc(2 * 144 * sizeof *fitted);
    CHECK(fitted != NULL);
    EXPECT_OK(fastnmf_factorizer_get_h(f, fitted, 2 * 144, NULL));
    double residual[144];
    float* h = project_all_f32(m, s.data, 144, 0, residual);
    float largest = 0;
    for (int i = 0; i < 288; i++) {
        largest = fmaxf(largest, fitted[i]);
    }
    double total = 0;
    for (int j = 0; j < 144; j++) {
        for (int c = 0; c < 2; c++) {
            CHECK(fabsf(h[j * 2 + c] - fitted[c * 144 + j]) <= 1e-4f * largest);
        }
        CHECK(residual[j] > 0 && isfinite(residual[j]));
        total += residual[j];
    }
    fastnmf_result_info r;
    r.struct_size = sizeof r;
    EXPECT_OK(fastnmf_factorizer_get_result_info(f, &r));
    /* The mean of the residuals is the run's MSE. */
    CHECK(fabs(total / (144.0 * 256.0) - r.mse) < 1e-3 * r.mse);
    free(h);
    free(fitted);
    EXPECT_OK(fastnmf_model_destroy(m));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

static void uint16_and_padded_frames_give_the_same_maps(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = fitted_plain(&s);
    fastnmf_model* m = NULL;
    EXPECT_OK(fastnmf_factorizer_get_model(f, &m));
    float* a = project_all_f32(m, s.data, 144, 0, NULL);
    uint16_t* counts = malloc(s.length * sizeof *counts);
    float* padded = calloc(144 * 300, sizeof *padded);
    CHECK(counts != NULL && padded != NULL);
    for (size_t i = 0; i < s.length; i++) {
        counts[i] = (uint16_t)s.data[i];
    }
    for (int j = 0; j < 144; j++) {
        memcpy(padded + j * 300, s.data + j * 256, 256 * sizeof *padded);
        for (int t = 256; t < 300; t++) {
            padded[j * 300 + t] = NAN; /* never read */
        }
    }
    float b[288], c[288];
    EXPECT_OK(fastnmf_model_project_u16(m, counts, 144, 0, b, 288, NULL, 0));
    EXPECT_OK(fastnmf_model_project_f32(m, padded, 144, 300, c, 288, NULL, 0));
    CHECK(memcmp(a, b, sizeof b) == 0);
    CHECK(memcmp(a, c, sizeof c) == 0);
    free(a);
    free(counts);
    free(padded);
    EXPECT_OK(fastnmf_model_destroy(m));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

static void created_model_ignores_masked_pixels(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = fitted_plain(&s);
    float w[512];
    EXPECT_OK(fastnmf_factorizer_get_w(f, w, 512, NULL));
    uint8_t mask[256] = {0};
    for (int i = 0; i < 256; i += 5) {
        mask[i] = 1;
    }
    fastnmf_model* m = NULL;
    EXPECT_OK(fastnmf_model_create(w, 2, 16, 16, mask, FASTNMF_H_NON_NEGATIVE, NULL, 0, &m));
    fastnmf_model_info info;
    info.struct_size = sizeof info;
    EXPECT_OK(fastnmf_model_get_info(m, &info));
    CHECK(info.kept_pixels == 256 - 52 && info.kernel_size == 3);
    float frame[256];
    memcpy(frame, s.data, sizeof frame);
    float h1[2], h2[2];
    double r1, r2;
    EXPECT_OK(fastnmf_model_project_f32(m, frame, 1, 0, h1, 2, &r1, 1));
    for (int i = 0; i < 256; i += 5) {
        frame[i] = 1e6f;
    }
    EXPECT_OK(fastnmf_model_project_f32(m, frame, 1, 0, h2, 2, &r2, 1));
    CHECK(h1[0] == h2[0] && h1[1] == h2[1] && r1 == r2);
    /* A NaN where a pixel is masked is not data; one where it is kept is refused, naming frame and pixel. */
    frame[5] = NAN;
    EXPECT_OK(fastnmf_model_project_f32(m, frame, 1, 0, h2, 2, &r2, 1));
    frame[6] = NAN;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_DATA, fastnmf_model_project_f32(m, frame, 1, 0, h2, 2, &r2, 1));
    EXPECT_ERROR_MENTIONS("frame 0, pixel (0, 6) is NaN");
    frame[6] = -1;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_DATA, fastnmf_model_project_f32(m, frame, 1, 0, h2, 2, &r2, 1));
    EXPECT_ERROR_MENTIONS("negative");
    float back[512];
    EXPECT_OK(fastnmf_model_get_w(m, back, 512, NULL));
    CHECK(back[0] == 0 && back[1] != 0); /* masked pixel 0 refolds as 0 */
    EXPECT_OK(fastnmf_model_destroy(m));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

/* A .npy v1.0 file of float32 (k, rows, cols). */
static void write_w_npy(const char* path, const float* w, int k, int rows, int cols)
{
    char dict[128];
    int n = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d, %d), }", k, rows, cols);
    int total = 10 + n + 1;
    int pad = (64 - total % 64) % 64;
    uint16_t header_len = (uint16_t)(n + pad + 1);
    FILE* f = fopen(path, "wb");
    CHECK(f != NULL);
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    fwrite(&header_len, 2, 1, f);
    fwrite(dict, 1, (size_t)n, f);
    for (int i = 0; i < pad; i++) {
        fputc(' ', f);
    }
    fputc('\n', f);
    fwrite(w, sizeof *w, (size_t)k * rows * cols, f);
    CHECK(fclose(f) == 0);
}

static void loads_a_factorize_output_directory(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = fitted_plain(&s);
    float w[512];
    EXPECT_OK(fastnmf_factorizer_get_w(f, w, 512, NULL));
    char dir[] = "/tmp/fastnmf_model_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/W.npy", dir);
    write_w_npy(path, w, 2, 16, 16);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    FILE* js = fopen(path, "w");
    CHECK(js != NULL);
    fputs("{\"components\": 2, \"constraints\": {\"h\": \"NonNegative\"}, \"mask\": {\"kind\": \"none\", \"masked_pixels\": 0}}", js);
    CHECK(fclose(js) == 0);
    fastnmf_model* loaded = NULL;
    fastnmf_model* run = NULL;
    EXPECT_OK(fastnmf_model_load(dir, &loaded));
    EXPECT_OK(fastnmf_factorizer_get_model(f, &run));
    float a[288], b[288];
    EXPECT_OK(fastnmf_model_project_f32(loaded, s.data, 144, 0, a, 288, NULL, 0));
    EXPECT_OK(fastnmf_model_project_f32(run, s.data, 144, 0, b, 288, NULL, 0));
    for (int i = 0; i < 288; i++) {
        CHECK(fabsf(a[i] - b[i]) <= 1e-5f * (fabsf(b[i]) + 1));
    }
    /* A malformed summary.json is BAD_DATA naming the file. */
    js = fopen(path, "w");
    CHECK(js != NULL);
    fputs("{\"components\": 2, ", js);
    CHECK(fclose(js) == 0);
    fastnmf_model* bad = NULL;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_DATA, fastnmf_model_load(dir, &bad));
    EXPECT_ERROR_MENTIONS("summary.json");
    CHECK(bad == NULL);
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_model_load("/nonexistent/fastnmf/model", &bad));
    EXPECT_ERROR_MENTIONS("no such directory");
    unlink(path);
    snprintf(path, sizeof path, "%s/W.npy", dir);
    unlink(path);
    rmdir(dir);
    EXPECT_OK(fastnmf_model_destroy(loaded));
    EXPECT_OK(fastnmf_model_destroy(run));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

static void misuse_is_reported(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = fitted_plain(&s);
    fastnmf_model* m = NULL;
    EXPECT_OK(fastnmf_factorizer_get_model(f, &m));
    float h[4];
    double r[2];
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_model_project_f32(m, s.data, 2, 0, h, 3, r, 2));
    EXPECT_ERROR_MENTIONS("fastnmf_model_project_f32");
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_model_project_f32(m, s.data, 2, 0, h, 4, r, 1));
    EXPECT_STATUS(FASTNMF_STATUS_BAD_LAYOUT, fastnmf_model_project_f32(m, s.data, 2, 100, h, 4, NULL, 0));
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_model_project_f32(m, NULL, 2, 0, h, 4, NULL, 0));
    EXPECT_OK(fastnmf_model_project_f32(m, NULL, 0, 0, NULL, 0, NULL, 0)); /* nothing to do */
    /* A factorizer handle is not a model handle, and the other way round. */
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_model_project_f32((fastnmf_model*)f, s.data, 1, 0, h, 4, NULL, 0));
    EXPECT_ERROR_MENTIONS("a model handle is expected");
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_factorizer_get_h((fastnmf_factorizer*)m, h, 4, NULL));
    fastnmf_model* none = NULL;
    float w[512] = {0};
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_model_create(w, 2, 16, 16, NULL, 7, NULL, 0, &none));
    w[3] = NAN;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_model_create(w, 2, 16, 16, NULL, FASTNMF_H_NON_NEGATIVE, NULL, 0, &none));
    EXPECT_ERROR_MENTIONS("finite");
    CHECK(none == NULL);
    fastnmf_model_info info;
    info.struct_size = 3;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_STRUCT_SIZE, fastnmf_model_get_info(m, &info));
    EXPECT_OK(fastnmf_model_destroy(m));
    EXPECT_OK(fastnmf_model_destroy(m)); /* idempotent */
    EXPECT_OK(fastnmf_model_destroy(NULL));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_model_project_f32(m, s.data, 1, 0, h, 4, NULL, 0));
    /* No result yet: no model. */
    fastnmf_factorizer* fresh = small_factorizer();
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_factorizer_get_model(fresh, &none));
    EXPECT_OK(fastnmf_factorizer_destroy(fresh));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

typedef struct projection_job {
    fastnmf_model* model;
    const float* frames;
    float h[288];
    int status;
} projection_job;

static void* project_many(void* arg)
{
    projection_job* job = arg;
    for (int i = 0; i < 50 && job->status == FASTNMF_STATUS_OK; i++) {
        job->status = fastnmf_model_project_f32(job->model, job->frames, 144, 0, job->h, 288, NULL, 0);
    }
    return NULL;
}

static void two_handles_project_on_two_threads(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = fitted_plain(&s);
    projection_job a = {0}, b = {0};
    EXPECT_OK(fastnmf_factorizer_get_model(f, &a.model));
    EXPECT_OK(fastnmf_factorizer_get_model(f, &b.model));
    a.frames = b.frames = s.data;
    pthread_t ta, tb;
    CHECK(pthread_create(&ta, NULL, project_many, &a) == 0);
    CHECK(pthread_create(&tb, NULL, project_many, &b) == 0);
    CHECK(pthread_join(ta, NULL) == 0 && pthread_join(tb, NULL) == 0);
    CHECK(a.status == FASTNMF_STATUS_OK && b.status == FASTNMF_STATUS_OK);
    CHECK(memcmp(a.h, b.h, sizeof a.h) == 0);
    EXPECT_OK(fastnmf_model_destroy(a.model));
    EXPECT_OK(fastnmf_model_destroy(b.model));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

/* The whole-scan projection applies the model's [.]_H over complete maps: on the data it was fitted to, the run's H. */
static void scan_projection_reproduces_the_run(void)
{
    small_set s = small_set_make();
    fastnmf_params p = small_params();
    fastnmf_factorizer* f = factorizer_with(&p);  /* the paper's constraints, [.]_H with its 3x3 kernel */
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    fastnmf_model* m = NULL;
    EXPECT_OK(fastnmf_factorizer_get_model(f, &m));
    float fitted[2 * 144], h[2 * 144], h16[2 * 144];
    double residual[144];
    EXPECT_OK(fastnmf_factorizer_get_h(f, fitted, 2 * 144, NULL));
    EXPECT_OK(fastnmf_model_project_scan_f32(m, s.data, s.length, &s.layout, 1, h, 2 * 144, residual, 144));
    float largest = 0;
    for (int i = 0; i < 288; i++) {
        largest = fmaxf(largest, fitted[i]);
    }
    double worst = 0;
    for (int i = 0; i < 288; i++) {
        worst = fmax(worst, fabsf(h[i] - fitted[i]));
    }
    CHECK(worst <= 1e-3 * largest);
    for (int j = 0; j < 144; j++) {
        CHECK(residual[j] > 0 && isfinite(residual[j]));
    }
    /* The frame-by-frame projection lacks [.]_H: it differs from the run's smoothed maps. */
    float* plain = project_all_f32(m, s.data, 144, 0, NULL);
    double apart = 0;
    for (int j = 0; j < 144; j++) {
        for (int c = 0; c < 2; c++) {
            apart = fmax(apart, fabsf(plain[j * 2 + c] - fitted[c * 144 + j]));
        }
    }
    CHECK(apart > 10 * worst);
    free(plain);
    /* W and the kernel make the same model again. */
    fastnmf_model_info info;
    info.struct_size = sizeof info;
    EXPECT_OK(fastnmf_model_get_info(m, &info));
    size_t n = 0;
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_model_get_kernel(m, NULL, 0, &n));
    CHECK(n == (size_t)info.kernel_size * (size_t)info.kernel_size && info.kernel_size == 3);
    float kernel[9], w[2 * 256], again[2 * 144];
    EXPECT_OK(fastnmf_model_get_kernel(m, kernel, 9, NULL));
    float sum = 0;
    for (int i = 0; i < 9; i++) {
        sum += kernel[i];
    }
    CHECK(fabsf(sum - 1) < 1e-5f && kernel[4] > kernel[0]);
    EXPECT_OK(fastnmf_model_get_w(m, w, 2 * 256, NULL));
    fastnmf_model* copy = NULL;
    EXPECT_OK(fastnmf_model_create(w, 2, 16, 16, NULL, FASTNMF_H_CONVOLUTION, kernel, 3, &copy));
    EXPECT_OK(fastnmf_model_project_scan_f32(copy, s.data, s.length, &s.layout, 1, again, 2 * 144, NULL, 0));
    EXPECT_OK(fastnmf_model_project_scan_f32(m, s.data, s.length, &s.layout, 1, h, 2 * 144, NULL, 0));
    CHECK(memcmp(again, h, sizeof h) == 0);
    EXPECT_OK(fastnmf_model_destroy(copy));
    /* uint16 counts of the same data give the same maps. */
    uint16_t* counts = malloc(s.length * sizeof *counts);
    CHECK(counts != NULL);
    for (size_t i = 0; i < s.length; i++) {
        counts[i] = (uint16_t)lroundf(s.data[i]);
        s.data[i] = (float)counts[i];
    }
    EXPECT_OK(fastnmf_model_project_scan_f32(m, s.data, s.length, &s.layout, 0, h, 2 * 144, NULL, 0));
    EXPECT_OK(fastnmf_model_project_scan_u16(m, counts, s.length, &s.layout, 0, h16, 2 * 144, NULL, 0));
    CHECK(memcmp(h, h16, sizeof h) == 0);
    /* Misuse: short output, another detector, negative threads. */
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_model_project_scan_f32(m, s.data, s.length, &s.layout, 0, h, 10, NULL, 0));
    fastnmf_layout other = s.layout;
    other.det_cols = 8;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_LAYOUT, fastnmf_model_project_scan_f32(m, s.data, s.length, &other, 0, h, 2 * 144, NULL, 0));
    EXPECT_ERROR_MENTIONS("the model's are 16");
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_model_project_scan_f32(m, s.data, s.length, &s.layout, -1, h, 2 * 144, NULL, 0));
    free(counts);
    EXPECT_OK(fastnmf_model_destroy(m));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

int main(int argc, char** argv)
{
    static const test_case cases[] = {
        {"model_of_a_run_reproduces_its_maps", model_of_a_run_reproduces_its_maps},
        {"uint16_and_padded_frames_give_the_same_maps", uint16_and_padded_frames_give_the_same_maps},
        {"created_model_ignores_masked_pixels", created_model_ignores_masked_pixels},
        {"loads_a_factorize_output_directory", loads_a_factorize_output_directory},
        {"misuse_is_reported", misuse_is_reported},
        {"two_handles_project_on_two_threads", two_handles_project_on_two_threads},
        {"scan_projection_reproduces_the_run", scan_projection_reproduces_the_run},
    };
    return run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
}
