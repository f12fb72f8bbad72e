/*
 * fastnmf.h — the C ABI of FastNmf (libfastnmf.so): constrained NMF of 4D-STEM data, callable from C and C++
 * without a .NET runtime (the library is the managed code compiled ahead of time with NativeAOT).
 *
 * Conventions (hold for every function below):
 *  - Every function returns a fastnmf_status. FASTNMF_STATUS_OK is 0; on anything else fastnmf_last_error() holds
 *    one line of UTF-8 that names the function and the offending argument. No exception, signal or abort crosses
 *    this boundary; every pointer, size, struct_size and dimension is checked before use.
 *  - Structs start with `uint32_t struct_size`, set by the caller to sizeof(the struct) (the *_init functions do
 *    it), so later versions can append fields. A size this library does not know is FASTNMF_STATUS_BAD_STRUCT_SIZE.
 *  - Input data is caller-owned and read-only: the library never writes into it and keeps no pointer to it after
 *    the call returns. Outputs go to caller-allocated buffers with their capacity in elements; a short buffer is
 *    FASTNMF_STATUS_BUFFER_TOO_SMALL with the required element count stored in *required (when required != NULL).
 *    Pass (NULL, 0, &n) to ask for the size. Nothing the library allocates has to be freed by the caller, except
 *    handles (fastnmf_factorizer_destroy).
 *  - Threads: a handle is used by one thread at a time. A second thread that calls into a handle while it is in
 *    use gets FASTNMF_STATUS_BUSY (nothing is corrupted); so does a progress callback that calls back into the
 *    handle it reports on. Different handles may run on different threads at the same time.
 *  - Sizes and dimensions are in elements (not bytes) unless a name says otherwise.
 */
#ifndef FASTNMF_H
#define FASTNMF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks every function the library exports (a CTest test checks the library's exports against these lines). */
#ifndef FASTNMF_API
#define FASTNMF_API extern
#endif

/* The ABI this header describes. fastnmf_get_abi_version() returns the library's; they must be equal. */
#define FASTNMF_ABI_VERSION 2u

typedef enum fastnmf_status {
    FASTNMF_STATUS_OK = 0,
    FASTNMF_STATUS_NULL_POINTER = 1,        /* a required pointer was NULL */
    FASTNMF_STATUS_BAD_STRUCT_SIZE = 2,     /* struct_size is not a size this library knows */
    FASTNMF_STATUS_INVALID_HANDLE = 3,      /* not a handle, or one already destroyed */
    FASTNMF_STATUS_INVALID_ARGUMENT = 4,    /* a parameter out of range (k, iterations, enum value, kernel, mask) */
    FASTNMF_STATUS_BAD_LAYOUT = 5,          /* dimensions, strides or alignment of the input, or a buffer too short for them */
    FASTNMF_STATUS_BAD_DATA = 6,            /* NaN, infinity or a negative value in the input (the message names the element), or all zeros */
    FASTNMF_STATUS_NO_RESULT = 7,           /* results asked for before a successful run */
    FASTNMF_STATUS_BUFFER_TOO_SMALL = 8,    /* an output buffer's capacity is short; *required holds the size */
    FASTNMF_STATUS_CANCELLED = 9,           /* the progress callback returned nonzero */
    FASTNMF_STATUS_NUMERICAL_FAILURE = 10,  /* the iteration produced a non-finite value (degenerate data) */
    FASTNMF_STATUS_OUT_OF_MEMORY = 11,
    FASTNMF_STATUS_BUSY = 12,               /* the handle is in use on another thread (or by the running callback) */
    FASTNMF_STATUS_BACKEND_UNAVAILABLE = 13,/* OpenBLAS or MKL was asked for and cannot be loaded (the message says why) */
    FASTNMF_STATUS_INTERNAL = 14            /* a bug: please report the message */
} fastnmf_status;

/* Update scheme (fastnmf_params.method). */
enum { FASTNMF_METHOD_CONSTRAINED = 0, FASTNMF_METHOD_ALS = 1, FASTNMF_METHOD_MU = 2 };
/* Step 4, applied to W after Eq. 7 (fastnmf_params.diffraction_constraint). */
enum { FASTNMF_W_NONE = 0, FASTNMF_W_NON_NEGATIVE = 1, FASTNMF_W_DARK_SPOT_FILL = 2 };
/* Step 6, applied to H after Eq. 8 (fastnmf_params.map_constraint). */
enum { FASTNMF_H_NONE = 0, FASTNMF_H_NON_NEGATIVE = 1, FASTNMF_H_CONVOLUTION = 2 };
/* Library for the dense products (fastnmf_params.backend). */
enum { FASTNMF_BACKEND_AUTO = 0, FASTNMF_BACKEND_MANAGED = 1, FASTNMF_BACKEND_OPENBLAS = 2, FASTNMF_BACKEND_MKL = 3 };
/* Storage of X (fastnmf_params.storage). */
enum { FASTNMF_STORAGE_AUTO = 0, FASTNMF_STORAGE_DENSE = 1, FASTNMF_STORAGE_SPARSE = 2, FASTNMF_STORAGE_UINT16 = 3 };
/* After [.]_W (fastnmf_factorizer_set_protocol): remove the amorphous share from every diffraction (default) or keep
 * it (the paper's plain protocol); README "What exactly is computed". */
enum { FASTNMF_AMORPHOUS_SHARE_REMOVE = 0, FASTNMF_AMORPHOUS_SHARE_KEEP = 1 };
/* How [.]_W reaches the pixels: each pixel against its exact radius's baseline (default), or the paper's r-phi route. */
enum { FASTNMF_FILL_ROUTE_PIXEL = 0, FASTNMF_FILL_ROUTE_POLAR = 1 };
/* Point-spread-function shape of the map kernel (fastnmf_factorizer_set_kernel_probe). */
enum { FASTNMF_KERNEL_GAUSSIAN = 0, FASTNMF_KERNEL_LORENTZIAN = 1, FASTNMF_KERNEL_PSEUDO_VOIGT = 2 };

/* Opaque handles. Never dereferenced by the caller; a stale or made-up value, or a handle of the other kind, is
 * FASTNMF_STATUS_INVALID_HANDLE. */
typedef struct fastnmf_factorizer fastnmf_factorizer;
typedef struct fastnmf_model fastnmf_model;
typedef struct fastnmf_analysis fastnmf_analysis;

/* Parameters of a factorization. fastnmf_params_init sets the paper's protocol (constrained, both constraints,
 * 500 iterations x 10 restarts) with components = 0, which a run rejects: choose k. */
typedef struct fastnmf_params {
    uint32_t struct_size;           /* sizeof(fastnmf_params) */
    int32_t method;                 /* FASTNMF_METHOD_*; default CONSTRAINED */
    int32_t components;             /* k, 1 <= k < min(unmasked pixels, scan positions); default 0 (must be set) */
    int32_t iterations;             /* per restart, >= 1; default 500 */
    int32_t restarts;               /* >= 1, the lowest final MSE is kept; default 10 */
    int32_t threads;                /* worker threads; 0 = all cores (default) */
    uint64_t seed;                  /* seed of restart 0; default 0 */
    int32_t diffraction_constraint; /* FASTNMF_W_*; default DARK_SPOT_FILL (constrained method only) */
    int32_t map_constraint;         /* FASTNMF_H_*; default CONVOLUTION (constrained method only) */
    int32_t backend;                /* FASTNMF_BACKEND_*; default AUTO */
    int32_t storage;                /* FASTNMF_STORAGE_*; default AUTO */
    double tolerance;               /* early stop when both relative changes fall below it; 0 = off (default) */
    double polar_centre_row;        /* centre of [.]_W in detector pixels; negative = det_rows / 2 (default -1) */
    double polar_centre_col;        /* negative = det_cols / 2 (default -1) */
    int32_t phi_samples;            /* angular samples per radius of [.]_W, 4..100000; default 360 */
    int32_t batch_restarts;         /* nonzero (default): all restarts share each pass over X; same results either way */
    double outlier_factor;          /* samples above this multiple of the radial mean are left out; > 1, default 2 */
} fastnmf_params;

/* Shape and element strides of a caller-owned 4-D data set I(scan_row, scan_col, det_row, det_col). Strides may
 * be any non-negative values (Fortran order, a cropped view, a frame-per-row buffer with padding ...). */
typedef struct fastnmf_layout {
    uint32_t struct_size;           /* sizeof(fastnmf_layout) */
    int32_t scan_rows;
    int32_t scan_cols;
    int32_t det_rows;
    int32_t det_cols;
    int32_t reserved;               /* set to 0 */
    int64_t stride_scan_row;        /* element strides */
    int64_t stride_scan_col;
    int64_t stride_det_row;
    int64_t stride_det_col;
} fastnmf_layout;

/* What the progress callback receives after every iteration of every restart (Step 7). */
typedef struct fastnmf_progress {
    uint32_t struct_size;           /* the library's sizeof(fastnmf_progress): read only fields below it */
    int32_t restart;                /* 0-based */
    int32_t iteration;              /* 0-based, within the restart */
    int32_t iterations;             /* iterations per restart */
    double mse;                     /* mean((X - WH)^2) over unmasked elements */
    double delta_w;                 /* ||W(i+1) - W(i)||_1 */
    double delta_h;                 /* ||H(i+1) - H(i)||_1 */
} fastnmf_progress;

/* Called on the thread that runs the factorization. Return 0 to go on, nonzero to cancel: the run then returns
 * FASTNMF_STATUS_CANCELLED and keeps no result. The callback must return (no longjmp out of it). */
typedef int (*fastnmf_progress_fn)(void* user_data, const fastnmf_progress* progress);

/* Summary of the last successful run. */
typedef struct fastnmf_result_info {
    uint32_t struct_size;           /* sizeof(fastnmf_result_info), set by the caller */
    int32_t components;             /* k */
    int32_t scan_rows;              /* scan rows of H held here: the whole scan, or this rank's slab (communicator set) */
    int32_t scan_cols;
    int32_t det_rows;
    int32_t det_cols;
    int32_t restarts;               /* restarts run */
    int32_t chosen_restart;         /* index of the kept restart (lowest final MSE) */
    int32_t iterations;             /* iterations of the kept restart = length of each history array */
    int32_t first_scan_row;         /* the scan row H here starts at: 0, or this rank's slab's first row */
    double mse;                     /* final MSE of the kept restart */
    double elapsed_seconds;         /* wall time of the run */
    uint64_t w_length;              /* k * det_rows * det_cols */
    uint64_t h_length;              /* k * scan_rows * scan_cols */
} fastnmf_result_info;

/* The paper's simulated data set (Methods, Fig. 10) at any size; fastnmf_simulation_init sets the paper's values. */
typedef struct fastnmf_simulation {
    uint32_t struct_size;           /* sizeof(fastnmf_simulation) */
    int32_t scan_rows;              /* 3..4096; default 36 */
    int32_t scan_cols;              /* 3..4096; default 36 */
    int32_t det_rows;               /* 16..4096; default 128 */
    int32_t det_cols;               /* 16..4096; default 128 */
    int32_t crystals;               /* crystalline components 1..6 (plus one amorphous); default 3 */
    double dose;                    /* mean electrons per diffraction; <= 0 gives the noise-free expectation; default 1e4 */
    uint64_t seed;                  /* Poisson noise seed; default 0 */
} fastnmf_simulation;

/* ---- library ---------------------------------------------------------------------------------------------- */

/* The library's ABI version; compare with FASTNMF_ABI_VERSION. Cannot fail. */
FASTNMF_API uint32_t fastnmf_get_abi_version(void);

/* One line describing why the last failing call on this thread failed ("" if the last call succeeded). Owned by
 * the library, valid until the next fastnmf_* call on the same thread. Never NULL. */
FASTNMF_API const char* fastnmf_last_error(void);

/* The constant's name ("FASTNMF_STATUS_BUSY"), or "unknown status" for a value outside the enum. Static storage. */
FASTNMF_API const char* fastnmf_status_name(fastnmf_status status);

/* The kernel backend a run would use here, as one NUL-terminated UTF-8 line; capacity and *required in bytes
 * including the NUL. */
FASTNMF_API fastnmf_status fastnmf_describe_backend(char* out, size_t capacity, size_t* required);

/* ---- parameter structs ------------------------------------------------------------------------------------ */

FASTNMF_API fastnmf_status fastnmf_params_init(fastnmf_params* params, uint32_t struct_size);

/* C-order (row-major, contiguous) strides for the given shape; each dimension must be >= 1. */
FASTNMF_API fastnmf_status fastnmf_layout_init(fastnmf_layout* layout, uint32_t struct_size,
                                               int32_t scan_rows, int32_t scan_cols, int32_t det_rows, int32_t det_cols);

FASTNMF_API fastnmf_status fastnmf_simulation_init(fastnmf_simulation* simulation, uint32_t struct_size);

/* Writes the simulated data set, C order (scan_rows, scan_cols, det_rows, det_cols), as float counts. */
FASTNMF_API fastnmf_status fastnmf_simulate(const fastnmf_simulation* simulation, float* out, size_t capacity,
                                            size_t* required);

/* ---- factorizer --------------------------------------------------------------------------------------------- */

/* Creates a handle holding a copy of *params (checked here for what can be checked without data). */
FASTNMF_API fastnmf_status fastnmf_factorizer_create(const fastnmf_params* params, fastnmf_factorizer** out);

/* Frees the handle and its results. NULL and an already destroyed handle are accepted (OK); a handle in use on
 * another thread is FASTNMF_STATUS_BUSY and stays valid. */
FASTNMF_API fastnmf_status fastnmf_factorizer_destroy(fastnmf_factorizer* factorizer);

/* Replaces the parameters (the mask, kernel, protocol choices and callback stay). */
FASTNMF_API fastnmf_status fastnmf_factorizer_set_params(fastnmf_factorizer* factorizer, const fastnmf_params* params);

/* Detector pixels to exclude: det_rows x det_cols bytes, row-major, nonzero = excluded (e.g. the direct beam).
 * Copied. Must match the data's detector at run time and leave at least one pixel. */
FASTNMF_API fastnmf_status fastnmf_factorizer_set_mask(fastnmf_factorizer* factorizer, const uint8_t* masked,
                                                       int32_t det_rows, int32_t det_cols);
FASTNMF_API fastnmf_status fastnmf_factorizer_clear_mask(fastnmf_factorizer* factorizer);

/* Map kernel of [.]_H from explicit weights: size x size (odd, 1..101), row-major, finite, non-negative, not all
 * zero; normalised to sum 1. Copied. The default is the paper's 3x3 Gaussian (2 nm probe at 1.5 nm steps). */
FASTNMF_API fastnmf_status fastnmf_factorizer_set_kernel(fastnmf_factorizer* factorizer, const float* weights,
                                                         int32_t size);

/* Map kernel from the probe: FWHM and scan step in the same unit; size 0 = spans +-FWHM; eta mixes the
 * pseudo-Voigt (0..1, ignored otherwise). */
FASTNMF_API fastnmf_status fastnmf_factorizer_set_kernel_probe(fastnmf_factorizer* factorizer, int32_t shape,
                                                               double probe_fwhm, double scan_step, int32_t size,
                                                               double eta);

/* Protocol choices for later runs: amorphous_share FASTNMF_AMORPHOUS_SHARE_* (REMOVE by default; KEEP is the paper's
 * plain protocol), fill_route FASTNMF_FILL_ROUTE_* (PIXEL by default). Constrained method with [.]_W only. */
FASTNMF_API fastnmf_status fastnmf_factorizer_set_protocol(fastnmf_factorizer* factorizer, int32_t amorphous_share,
                                                           int32_t fill_route);

/* The fast mode for later runs (README "Fast mode", `fastnmf factorize --fast`): mode FASTNMF_FAST_OFF (default) runs
 * the exact protocol; FASTNMF_FAST_PRESET picks the levers from the scan's shape when a run starts (every restart
 * tried for 30 iterations and the best one kept; where the scan binned 2x2, or more a side to at most 128x128
 * positions, keeps 10 positions per component, the protocol runs there first and fine_iterations on the full scan
 * finish it; no binned stage with a communicator of more than one rank). A lever given here (nonzero) is used as
 * given, with or without the preset; 0 leaves it to the preset, or off without it.
 *   trial_iterations  every restart runs this many, then only the keep_restarts (0: 1) lowest MSEs go on, each with
 *                     exactly the bits it has without pruning; fewer than params->iterations (with a binned
 *                     stage, fewer than its params->iterations - fine_iterations).
 *   coarse_scan       >= 2: the protocol runs on the scan binned coarse_scan x coarse_scan positions (the map kernel's
 *                     width scaled to it), then fine_iterations (0: 50) on the full scan from its kept diffractions;
 *                     needs one process and a map kernel from a FWHM (not set_kernel's weights).
 * Kept across set_params; a lever that does not fit the parameters (a trial not below the iterations, a coarse scan
 * with too few positions for k) is FASTNMF_STATUS_INVALID_ARGUMENT when the run starts, its message naming the lever. */
enum { FASTNMF_FAST_OFF = 0, FASTNMF_FAST_PRESET = 1 };
FASTNMF_API fastnmf_status fastnmf_factorizer_set_fast(fastnmf_factorizer* factorizer, int32_t mode,
                                                       int32_t trial_iterations, int32_t keep_restarts,
                                                       int32_t coarse_scan, int32_t fine_iterations);

/* Progress callback for later runs (NULL clears it); user_data is passed back untouched. */
FASTNMF_API fastnmf_status fastnmf_factorizer_set_progress(fastnmf_factorizer* factorizer, fastnmf_progress_fn callback,
                                                           void* user_data);

/* Factorizes X unfolded from a caller-owned data set: element (y, x, u, v) is
 * data[y*stride_scan_row + x*stride_scan_col + u*stride_det_row + v*stride_det_col], and the largest such index
 * must be below data_length. Values must be finite and non-negative (uint16 counts convert exactly). Blocks until
 * done; replaces the previous result (a failed or cancelled run leaves none). */
FASTNMF_API fastnmf_status fastnmf_factorizer_run_f32(fastnmf_factorizer* factorizer, const float* data,
                                                      size_t data_length, const fastnmf_layout* layout);
FASTNMF_API fastnmf_status fastnmf_factorizer_run_u16(fastnmf_factorizer* factorizer, const uint16_t* data,
                                                      size_t data_length, const fastnmf_layout* layout);

/* ---- MPI: one factorization over the ranks of an MPI program ----------------------------------------------------
 *
 * Each rank holds a slab of scan rows (fastnmf_slab_for_rank), the ranks reduce their partial sums exactly, and the
 * result is bit-identical to the one-process run of the whole scan: W, the history and the summary are the same on
 * every rank, H is each rank's own rows (fastnmf_result_info.first_scan_row, scan_rows). No MPI header or library is
 * needed to build against FastNmf: it uses the MPI the program is linked with (else it loads Open MPI's libmpi.so.40
 * or an MPICH-ABI libmpich.so.12 / libmpi.so.12, per the launcher, or the one FASTNMF_MPI_LIBRARY names) and talks on
 * its own duplicate of the communicator (MPI_Comm_dup), leaving the host's messages and error handler alone.
 *
 * Every rank makes the same calls: set_communicator, each run and destroy are collective over the communicator.
 * Once a run has its handle, every problem any rank finds is agreed on before the iteration starts, so every rank
 * returns the failing rank's status with its message ("rank 2: ...", or the message alone when every rank found
 * it): a bad layout, slab or value, parameters or a mask differing from rank 0's, a backend that does not load on
 * one node, a rank that runs out of memory building its part, reductions laid out otherwise on some rank (sparse
 * storage with kernels of other vector widths: set FASTNMF_KERNELS alike). A progress
 * callback that cancels on one rank cancels the run on every rank. What a rank must get right by itself, because
 * the call cannot reach the others without it: a valid handle that no other thread is using (NULL, INVALID_HANDLE
 * and BUSY return on that rank alone and leave the others waiting in the run), and a valid communicator (an invalid
 * MPI_Comm may end the job through the host's error handler; Open MPI's unknown Fortran handles are refused). A rank
 * that never makes the call, or dies, leaves the others to the MPI launcher, as in any MPI program.
 * fastnmf_factorizer_analyze needs the whole H: on a slab it is FASTNMF_STATUS_INVALID_ARGUMENT. */

/* What fastnmf_factorizer_set_communicator's comm holds. */
enum {
    FASTNMF_COMM_NONE = 0,          /* no communicator: later runs are one process (comm ignored) */
    FASTNMF_COMM_C = 1,             /* an MPI_Comm cast to intptr_t (Open MPI: a pointer; MPICH, Intel MPI: an int) */
    FASTNMF_COMM_FORTRAN = 2        /* an MPI_Fint (MPI_Comm_c2f, or a Fortran program's INTEGER communicator) */
};

/* Shares later runs of `factorizer` with the ranks of comm (MPI must be initialised). Collective over comm. Drops
 * the last result. An MPI library that cannot be loaded, or MPI not initialised, is FASTNMF_STATUS_BACKEND_UNAVAILABLE. */
FASTNMF_API fastnmf_status fastnmf_factorizer_set_communicator(fastnmf_factorizer* factorizer, intptr_t comm, int32_t kind);

/* The scan rows [*first_row, *first_row + *rows) that rank `rank` of `size` holds of a scan_rows x scan_cols scan: a
 * balanced run of the scan's canonical blocks (whole scan rows, at least 256 positions each), so the reductions
 * and the bits do not depend on the number of ranks. More ranks than blocks is FASTNMF_STATUS_INVALID_ARGUMENT. */
FASTNMF_API fastnmf_status fastnmf_slab_for_rank(int32_t scan_rows, int32_t scan_cols, int32_t rank, int32_t size,
                                                 int32_t* first_row, int32_t* rows);

/* With a communicator set, fastnmf_factorizer_run_f32/_u16 take the whole scan on every rank (e.g. a file every
 * rank maps) and each rank reads only its slab of it. These take only this rank's slab instead: layout->scan_rows
 * rows starting at scan row first_scan_row of a total_scan_rows-row scan, which must be fastnmf_slab_for_rank's
 * (the ranks' slabs must tile the scan in rank order on its canonical blocks). Errors name elements by their row in
 * the whole scan. Without a communicator the slab must be the whole scan. */
FASTNMF_API fastnmf_status fastnmf_factorizer_run_slab_f32(fastnmf_factorizer* factorizer, const float* data,
                                                           size_t data_length, const fastnmf_layout* layout,
                                                           int32_t first_scan_row, int32_t total_scan_rows);
FASTNMF_API fastnmf_status fastnmf_factorizer_run_slab_u16(fastnmf_factorizer* factorizer, const uint16_t* data,
                                                           size_t data_length, const fastnmf_layout* layout,
                                                           int32_t first_scan_row, int32_t total_scan_rows);

/* ---- results of the last successful run ----------------------------------------------------------------- */

FASTNMF_API fastnmf_status fastnmf_factorizer_get_result_info(fastnmf_factorizer* factorizer, fastnmf_result_info* info);

/* Diffractions, k x det_rows x det_cols row-major, each with unit L1 norm over unmasked pixels (masked pixels 0);
 * components sorted by the L2 norm of their maps, largest first. */
FASTNMF_API fastnmf_status fastnmf_factorizer_get_w(fastnmf_factorizer* factorizer, float* out, size_t capacity,
                                                    size_t* required);

/* Maps, k x scan_rows x scan_cols row-major, in counts (electrons) per scan position (with a communicator: this
 * rank's scan rows, from fastnmf_result_info.first_scan_row). */
FASTNMF_API fastnmf_status fastnmf_factorizer_get_h(fastnmf_factorizer* factorizer, float* out, size_t capacity,
                                                    size_t* required);

/* Per-iteration MSE, ||dW||_1 and ||dH||_1 of the kept restart; each array holds `capacity` doubles. */
FASTNMF_API fastnmf_status fastnmf_factorizer_get_history(fastnmf_factorizer* factorizer, double* mse, double* delta_w,
                                                          double* delta_h, size_t capacity, size_t* required);

/* ---- analysis of the last result (the paper's Fig. 9) ----------------------------------------------------- */

/* Similarity the clustering uses (fastnmf_analysis_params.cluster_by); distance = 1 - similarity. */
enum { FASTNMF_SIMILARITY_DIFFRACTION = 0, FASTNMF_SIMILARITY_COSINE = 1 };
/* Linkage of the hierarchical clustering (SciPy's methods). */
enum { FASTNMF_LINKAGE_SINGLE = 0, FASTNMF_LINKAGE_COMPLETE = 1, FASTNMF_LINKAGE_AVERAGE = 2, FASTNMF_LINKAGE_WARD = 3 };

typedef struct fastnmf_analysis_params {
    uint32_t struct_size;           /* sizeof(fastnmf_analysis_params) */
    int32_t cluster_by;             /* FASTNMF_SIMILARITY_*; default DIFFRACTION (rotation-invariant, Eqs. 10-11) */
    int32_t linkage;                /* FASTNMF_LINKAGE_*; default AVERAGE */
    int32_t cluster_count;          /* 0 (default): cut the tree at distance_threshold; n: at most n clusters */
    double distance_threshold;      /* >= 0; default 0.5 */
    double amorphous_isotropy;      /* a cluster average this isotropic (0..1) counts as amorphous; default 0.8 */
} fastnmf_analysis_params;

FASTNMF_API fastnmf_status fastnmf_analysis_params_init(fastnmf_analysis_params* params, uint32_t struct_size);

/* Analyses the last result (k >= 2): cosine similarity of the diffractions (Eq. 9), the rotation-invariant
 * diffraction similarity and the rotation between each pair (Eqs. 10-11, polar centre and phi samples of the
 * factorization, its mask left out), hierarchical clustering and flat clusters with rotation-corrected averages.
 * Replaces the previous analysis; a new run drops it. */
FASTNMF_API fastnmf_status fastnmf_factorizer_analyze(fastnmf_factorizer* factorizer, const fastnmf_analysis_params* params);

/* Three k x k row-major matrices, each `capacity` doubles: cosine (Eq. 9); diffraction similarity (Eq. 10: the peak
 * of the normalised phi cross-correlation of the anisotropic parts, or the radial-profile cosine of two isotropic
 * patterns; symmetric, in [-1, 1], 1 on the diagonal); rotation in degrees (Eq. 11: [i*k + j] = angle by which j is
 * rotated relative to i, counter-clockwise as displayed, in (-180, 180]). */
FASTNMF_API fastnmf_status fastnmf_factorizer_get_similarities(fastnmf_factorizer* factorizer, double* cosine,
                                                               double* diffraction_similarity, double* rotation,
                                                               size_t capacity, size_t* required);

/* (k - 1) x 4 linkage matrix in SciPy's format, row-major: [id1, id2, distance, size]; components are 0..k-1 and the
 * cluster formed in row i has id k + i (ready for scipy.cluster.hierarchy.dendrogram). */
FASTNMF_API fastnmf_status fastnmf_factorizer_get_linkage(fastnmf_factorizer* factorizer, double* out, size_t capacity,
                                                          size_t* required);

/* Per component, its flat cluster's label, 1-based (SciPy fcluster numbering). */
FASTNMF_API fastnmf_status fastnmf_factorizer_get_cluster_labels(fastnmf_factorizer* factorizer, int32_t* out,
                                                                 size_t capacity, size_t* required);

/* det_rows x det_cols: the members of cluster `label` rotated onto its representative and averaged (weighted by the
 * counts each explains). */
FASTNMF_API fastnmf_status fastnmf_factorizer_get_cluster_average(fastnmf_factorizer* factorizer, int32_t label,
                                                                  float* out, size_t capacity, size_t* required);

/* The same analysis of any diffractions (another tool's W, a model's): w is components x det_rows x det_cols floats,
 * row-major (components >= 2); mask det_rows x det_cols bytes, nonzero = excluded from the similarities, or NULL;
 * maps components x scan_rows x scan_cols floats (e.g. H), or NULL: with maps, representatives and averages are
 * weighted by the counts each component explains, without them medoids and plain averages. centre_row/col: the
 * pattern centre (negative = the detector centre); phi_samples 4..100000 (360 is the paper's). Everything is copied;
 * the handle's getters below mirror the factorizer's. */
FASTNMF_API fastnmf_status fastnmf_analysis_create(const float* w, int32_t components, int32_t det_rows, int32_t det_cols,
                                                   const uint8_t* mask, const float* maps, int32_t scan_rows,
                                                   int32_t scan_cols, double centre_row, double centre_col,
                                                   int32_t phi_samples, const fastnmf_analysis_params* params,
                                                   fastnmf_analysis** out);
FASTNMF_API fastnmf_status fastnmf_analysis_get_similarities(fastnmf_analysis* analysis, double* cosine,
                                                             double* diffraction_similarity, double* rotation,
                                                             size_t capacity, size_t* required);
FASTNMF_API fastnmf_status fastnmf_analysis_get_linkage(fastnmf_analysis* analysis, double* out, size_t capacity,
                                                        size_t* required);
FASTNMF_API fastnmf_status fastnmf_analysis_get_cluster_labels(fastnmf_analysis* analysis, int32_t* out,
                                                               size_t capacity, size_t* required);
FASTNMF_API fastnmf_status fastnmf_analysis_get_cluster_average(fastnmf_analysis* analysis, int32_t label, float* out,
                                                                size_t capacity, size_t* required);
/* NULL and an already destroyed handle are accepted; a handle in use is BUSY and stays valid. */
FASTNMF_API fastnmf_status fastnmf_analysis_destroy(fastnmf_analysis* analysis);

/* ---- fitted models (ABI 2): project new frames onto a W ------------------------------------------------- */

/* What a model projects (fastnmf_model_get_info). */
typedef struct fastnmf_model_info {
    uint32_t struct_size;           /* sizeof(fastnmf_model_info), set by the caller */
    int32_t components;             /* k */
    int32_t det_rows;               /* the detector frames must have */
    int32_t det_cols;
    int32_t kept_pixels;            /* det_rows * det_cols minus the masked pixels */
    int32_t map_constraint;         /* FASTNMF_H_*: what the model's factorization applied to H */
    int32_t kernel_size;            /* its map kernel's size */
    int32_t reserved;
    double centre_row;              /* pattern centre (detector pixels) */
    double centre_col;
    double ridge;                   /* added to W^T W to invert it; 0 unless W's columns are nearly dependent */
} fastnmf_model_info;

/* Loads the model of a `fastnmf factorize` output directory (UTF-8 path): W.npy and summary.json (mask, map constraint,
 * kernel, centre). A missing directory or file is FASTNMF_STATUS_INVALID_ARGUMENT, a malformed one BAD_DATA. */
FASTNMF_API fastnmf_status fastnmf_model_load(const char* directory, fastnmf_model** out);

/* A model from W: components x det_rows x det_cols floats, row-major (masked pixels ignored); mask: det_rows x det_cols
 * bytes, nonzero = excluded, or NULL for none; map_constraint FASTNMF_H_*; kernel_weights: kernel_size x kernel_size
 * (odd, 1..101), or NULL for the paper's 3x3 Gaussian. Everything is copied. */
FASTNMF_API fastnmf_status fastnmf_model_create(const float* w, int32_t components, int32_t det_rows, int32_t det_cols,
                                                const uint8_t* mask, int32_t map_constraint, const float* kernel_weights,
                                                int32_t kernel_size, fastnmf_model** out);

/* The model of the factorizer's last successful run (W, mask, centre, map constraint). Independent of the factorizer
 * afterwards: destroy both. */
FASTNMF_API fastnmf_status fastnmf_factorizer_get_model(fastnmf_factorizer* factorizer, fastnmf_model** out);

FASTNMF_API fastnmf_status fastnmf_model_get_info(fastnmf_model* model, fastnmf_model_info* info);

/* The model's W: k x det_rows x det_cols, each diffraction with unit L1 norm over the kept pixels, masked pixels 0. */
FASTNMF_API fastnmf_status fastnmf_model_get_w(fastnmf_model* model, float* out, size_t capacity, size_t* required);

/* The model's map kernel: kernel_size x kernel_size weights (fastnmf_model_info.kernel_size), row-major, summing to 1;
 * with fastnmf_model_get_w, what fastnmf_model_create needs to make the same model again. */
FASTNMF_API fastnmf_status fastnmf_model_get_kernel(fastnmf_model* model, float* out, size_t capacity, size_t* required);

/* Projects `count` frames, each det_rows x det_cols row-major, frame j at frames + j * frame_stride (0 = det_rows *
 * det_cols, i.e. contiguous); masked pixels are not read as data. For each frame, h[j*k .. j*k + k) = the k map values
 * max((W^T W)^-1 W^T x, 0) over the kept pixels (not clipped for FASTNMF_H_NONE; [.]_H's convolution needs whole maps
 * and is not applied here), and residual[j] = ||x - W h||^2 over the kept pixels (residual may be NULL). h_capacity and
 * residual_capacity are in elements (count*k floats, count doubles); short is FASTNMF_STATUS_BUFFER_TOO_SMALL.
 * Nothing is allocated per call. A model handle serves one call at a time (BUSY otherwise): give each thread its own,
 * e.g. fastnmf_model_load twice. */
FASTNMF_API fastnmf_status fastnmf_model_project_f32(fastnmf_model* model, const float* frames, size_t count,
                                                     size_t frame_stride, float* h, size_t h_capacity, double* residual,
                                                     size_t residual_capacity);
FASTNMF_API fastnmf_status fastnmf_model_project_u16(fastnmf_model* model, const uint16_t* frames, size_t count,
                                                     size_t frame_stride, float* h, size_t h_capacity, double* residual,
                                                     size_t residual_capacity);

/* Projects a whole scan, laid out as for fastnmf_factorizer_run_f32/_u16 (the detector must be the model's): every
 * frame's h as above, then the model's map constraint over the complete maps ([.]_H's convolution, then [.]+), exactly
 * the factorization's H-step, so on the data a model was fitted to this gives the run's H. h: k x scan_rows x scan_cols
 * floats, row-major (as fastnmf_factorizer_get_h); residual: scan_rows x scan_cols doubles, ||x - W h||^2 over the kept
 * pixels, or NULL. threads 0 = all cores. X is read once into the library's own memory (the same bytes as a run's). */
FASTNMF_API fastnmf_status fastnmf_model_project_scan_f32(fastnmf_model* model, const float* data, size_t data_length,
                                                          const fastnmf_layout* layout, int32_t threads, float* h,
                                                          size_t h_capacity, double* residual, size_t residual_capacity);
FASTNMF_API fastnmf_status fastnmf_model_project_scan_u16(fastnmf_model* model, const uint16_t* data, size_t data_length,
                                                          const fastnmf_layout* layout, int32_t threads, float* h,
                                                          size_t h_capacity, double* residual, size_t residual_capacity);

/* Frees the model handle. NULL and an already destroyed handle are accepted; a handle in use is BUSY and stays valid. */
FASTNMF_API fastnmf_status fastnmf_model_destroy(fastnmf_model* model);

#ifdef __cplusplus
}
#endif

/* Live scans (fastnmf_live_*: a model's projection or a learner of W while the scan is recorded) are declared in
 * fastnmf_live.h, which this header includes: one #include "fastnmf.h" gives the whole ABI. */
#include "fastnmf_live.h"

#endif
