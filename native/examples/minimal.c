#include <stdio.h>
#include <stdlib.h>
#include "fastnmf.h"

int main(void) {
    fastnmf_simulation sim;                                  /* the paper's 36x36 scan, 128x128 detector */
    fastnmf_simulation_init(&sim, sizeof sim);
    size_t n;
    fastnmf_simulate(&sim, NULL, 0, &n);                     /* BUFFER_TOO_SMALL, n = values needed */
    float* data = malloc(n * sizeof *data);
    fastnmf_simulate(&sim, data, n, NULL);
    fastnmf_params p;                                        /* the paper's protocol: 500 iterations x 10 restarts */
    fastnmf_params_init(&p, sizeof p);
    p.components = 4;
    fastnmf_layout layout;                                   /* C order here; any element strides work */
    fastnmf_layout_init(&layout, sizeof layout, 36, 36, 128, 128);
    fastnmf_factorizer* f = NULL;
    fastnmf_status s = fastnmf_factorizer_create(&p, &f);
    if (s == FASTNMF_STATUS_OK) s = fastnmf_factorizer_run_f32(f, data, n, &layout);
    if (s != FASTNMF_STATUS_OK) { fprintf(stderr, "%s: %s\n", fastnmf_status_name(s), fastnmf_last_error()); return 1; }
    fastnmf_result_info info = {.struct_size = sizeof info};  /* W, H: fastnmf_factorizer_get_w / _get_h */
    fastnmf_factorizer_get_result_info(f, &info);
    printf("MSE %.6f after %d restarts, %.2f s\n", info.mse, info.restarts, info.elapsed_seconds);
    fastnmf_factorizer_destroy(f);
    free(data);
    return 0;
}
