/*
 * fastnmf_live.h — the live-scan part of the C ABI of FastNmf (libfastnmf.so): frames pushed as a detector delivers
 * them, onto a fitted model or into a learner of W. Included by fastnmf.h (include that one); the conventions stated
 * there hold here too.
 */
#ifndef FASTNMF_LIVE_H
#define FASTNMF_LIVE_H

#include "fastnmf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Live scans: a model's maps while the scan is recorded ------------------------------------------------------ */

/* A live projection of a scan_rows x scan_cols scan onto a model (the model handle may be destroyed afterwards; the
 * live scan keeps what it needs). threads: for pushes of many frames (a backlog), 0 = all cores; results are the same
 * bits whatever the threads. Memory is fixed here: three k x positions float planes and two doubles per position. */
typedef struct fastnmf_live fastnmf_live;
FASTNMF_API fastnmf_status fastnmf_live_create(fastnmf_model* model, int32_t scan_rows, int32_t scan_cols, int32_t threads,
                                               fastnmf_live** out);

/* Pushes `count` frames (contiguous, each det_rows x det_cols row-major) for scan positions first_position, ...
 * (scan order, row-major positions). Each frame is projected at once; with the model's [.]_H a scan row's maps are
 * convolved as soon as every row within the kernel's radius is in. Positions may come in any order, each once: a
 * position already received or marked lost, or past the scan, is INVALID_ARGUMENT; a float32 frame with NaN, infinity
 * or a negative value (outside masked pixels) is BAD_DATA naming the frame and pixel. */
FASTNMF_API fastnmf_status fastnmf_live_push_f32(fastnmf_live* live, const float* frames, size_t count, int64_t first_position);
FASTNMF_API fastnmf_status fastnmf_live_push_u16(fastnmf_live* live, const uint16_t* frames, size_t count, int64_t first_position);

/* Positions whose frames will not come (a sequence gap): their maps and residuals are NaN, and they enter their
 * neighbours' [.]_H as 0; never filled by another frame, so the scan does not shift. */
FASTNMF_API fastnmf_status fastnmf_live_mark_lost(fastnmf_live* live, int64_t first_position, size_t count);

/* Ends the scan: pending positions become lost, every row final. The maps and residuals are then those of
 * fastnmf_model_project_scan_* on the whole scan (bit for bit; NaN where frames were lost). Calling it twice is fine. */
FASTNMF_API fastnmf_status fastnmf_live_complete(fastnmf_live* live);

/* Frames received, positions lost, scan rows final (the first final_rows rows), and whether complete; any may be NULL. */
FASTNMF_API fastnmf_status fastnmf_live_get_progress(fastnmf_live* live, int64_t* received, int64_t* lost,
                                                     int32_t* final_rows, int32_t* complete);

/* Snapshots. maps: k x scan_rows x scan_cols floats (final values in final rows, each received frame's unsmoothed [h]+
 * elsewhere, 0 where nothing arrived, NaN where lost); residual: ||x - W h||^2 per position (0 / NaN likewise);
 * states: one byte per position, 0 pending, 1 received, 2 lost. (NULL, 0, &n) asks for the size. */
FASTNMF_API fastnmf_status fastnmf_live_get_maps(fastnmf_live* live, float* out, size_t capacity, size_t* required);
FASTNMF_API fastnmf_status fastnmf_live_get_residual(fastnmf_live* live, double* out, size_t capacity, size_t* required);
FASTNMF_API fastnmf_status fastnmf_live_get_states(fastnmf_live* live, uint8_t* out, size_t capacity, size_t* required);

/* The current W, k x det_rows x det_cols floats (masked pixels 0): a projection's model's; a learning scan's as it is
 * now (NO_RESULT before its start frames are in), after fastnmf_live_finish the finished W. */
FASTNMF_API fastnmf_status fastnmf_live_get_w(fastnmf_live* live, float* out, size_t capacity, size_t* required);

/* Frees the live scan. NULL and an already destroyed handle are accepted; a handle in use is BUSY and stays valid. */
FASTNMF_API fastnmf_status fastnmf_live_destroy(fastnmf_live* live);

/* ---- Live scans that learn W: no model, only k and the constraints ---------------------------------------------- */

/* How a learning scan starts, refreshes W and finishes. 0 in start_frames or refresh_frames: the defaults below. */
typedef struct fastnmf_live_learn_params {
    uint32_t struct_size;           /* sizeof(fastnmf_live_learn_params) */
    int32_t start_frames;           /* W starts with the batch protocol on the whole scan rows holding this many frames;
                                     * 0 (default): max(8k, 512), at least two rows */
    int32_t refresh_frames;         /* frames between two refreshes W = [A B^-1] -> [.]_W -> unit L1 norm; 0 (default):
                                     * a sixteenth of the scan, at least a scan row and 256 frames */
    int32_t passes;                 /* ALS passes over the frames so far each time their number doubles; default 1 */
    int32_t final_passes;           /* ALS passes over the whole scan at its end; default 8 */
    int32_t start_iterations;       /* iterations of the batch protocol on the start frames (>= 1); default 25 */
    int32_t finish_iterations;      /* iterations of the batch protocol warm-started at the end; default 30, 0 = none */
    int32_t reserved;               /* 0 */
    double forget_factor;           /* share of the statistics a refresh interval keeps, (0, 1]; default 1 (one scan);
                                     * below 1 for repeated or in-situ scans, where old frames should fade */
} fastnmf_live_learn_params;

FASTNMF_API fastnmf_status fastnmf_live_learn_params_init(fastnmf_live_learn_params* params, uint32_t struct_size);

/* A learning live scan of det_rows x det_cols frames over a scan_rows x scan_cols scan (at least 2 rows). The
 * factorizer gives the protocol: its params (k <= 64, method, constraints, polar options, seed, threads; its
 * iterations and restarts are not used), mask and map kernel, read now (the factorizer may be destroyed afterwards).
 * learn: NULL for the defaults. Frames are pushed, marked lost and completed as on a projection (fastnmf_live_push_*,
 * ..., fastnmf_live_complete); each frame's h comes from the W current when it arrives, so fastnmf_live_get_maps shows
 * the maps filling in. The frames are kept in the library (2 bytes per value for uint16 pushes, 4 for float32) for
 * the passes and the finish. fastnmf_live_complete then refreshes W a last time and makes its final passes. */
FASTNMF_API fastnmf_status fastnmf_live_create_learn(fastnmf_factorizer* factorizer, const fastnmf_live_learn_params* learn,
                                                     int32_t det_rows, int32_t det_cols, int32_t scan_rows,
                                                     int32_t scan_cols, fastnmf_live** out);

/* The learner's counters: the positions its start waits for, W refreshes, passes over the frames, components
 * re-seeded (a component no frame used any more, re-seeded from the worst-explained frame). Any may be NULL;
 * INVALID_ARGUMENT on a projection. */
FASTNMF_API fastnmf_status fastnmf_live_get_learning(fastnmf_live* live, int32_t* start_positions, int32_t* refreshes,
                                                     int32_t* passes, int32_t* reseeds);

/* After fastnmf_live_complete: projects the whole scan onto the learned W (with [.]_H) and runs the batch protocol
 * from that W and H for finish_iterations (one restart), the paper's result. *finished (may be NULL) is 1 if it ran,
 * 0 if skipped: finish_iterations 0, or positions lost (the batch protocol would take them for empty diffractions).
 * Afterwards get_maps gives the final H (the finish's, sorted by ||h||_2, or the projection's), get_w the final W,
 * get_residual each frame's residual on the learned W, get_progress every row final. A second call does nothing. */
FASTNMF_API fastnmf_status fastnmf_live_finish(fastnmf_live* live, int32_t* finished);

/* How far the learned W was from the finish: for each finished diffraction, its cosine with the closest learned one
 * (k doubles). NO_RESULT before a finish or when it was skipped. */
FASTNMF_API fastnmf_status fastnmf_live_get_agreement(fastnmf_live* live, double* out, size_t capacity, size_t* required);

/* The current W as a model handle, to project other scans with (fastnmf_model_*; destroy it with
 * fastnmf_model_destroy): a projection's model, a learner's finished or learned W (NO_RESULT before W exists). */
FASTNMF_API fastnmf_status fastnmf_live_get_model(fastnmf_live* live, fastnmf_model** out);

#ifdef __cplusplus
}
#endif

#endif
