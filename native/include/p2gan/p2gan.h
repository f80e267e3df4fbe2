/*
 * p2gan.h - the flat C ABI of the P2GAN native core.
 *
 * Conventions (see docs/architecture.md and shared/DESIGN.md):
 *  - every fallible call returns a p2gan_status (0 = ok); results come back through
 *    trailing out-pointers. On failure p2gan_last_error() holds a message for the
 *    calling thread until that thread's next p2gan_ call.
 *  - images are float32, NCHW, contiguous, values in [-1, 1]. Every buffer is passed as
 *    pointer + element count (+ shape and rank where the shape is not implied).
 *    Outputs go into caller-provided buffers; the library never keeps or frees them.
 *  - a handle (p2gan_model, p2gan_feature_net, p2gan_classifier) is used by one thread at a
 *    time; the version queries, the *_params_init functions and p2gan_cuda_is_available
 *    are thread-safe.
 *  - structs follow one struct_size rule and the ABI one versioning rule (below).
 *  - no C++ exception ever leaves this library.
 */
#ifndef P2GAN_P2GAN_H
#define P2GAN_P2GAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(_WIN32)
#  if defined(P2GAN_BUILD)
#    define P2GAN_API __declspec(dllexport)
#  else
#    define P2GAN_API __declspec(dllimport)
#  endif
#else
#  define P2GAN_API __attribute__((visibility("default")))
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define P2GAN_MUST_USE_RESULT __attribute__((warn_unused_result))
#else
#  define P2GAN_MUST_USE_RESULT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version: major.minor. Adding a function, an enum value or a struct field at the end
 * of a struct bumps the minor; changing a signature, a layout or an existing enum value
 * bumps the major. A binding written for major.minor runs on any library with the same
 * major and a minor at least its own. p2gan_abi_version() returns (major << 16) | minor. */
#define P2GAN_ABI_VERSION_MAJOR 3
#define P2GAN_ABI_VERSION_MINOR 3
#define P2GAN_ABI_VERSION ((P2GAN_ABI_VERSION_MAJOR << 16) | P2GAN_ABI_VERSION_MINOR)

/* Structs: every struct passed to or from the library starts with uint32_t struct_size,
 * which the CALLER sets to sizeof the struct as its header declares it. The library
 * accepts any size from the struct's first published size (P2GAN_*_SIZE_V3_0) up to its
 * own, reads and writes only the bytes that size covers, and gives fields beyond it their
 * defaults. Anything else is P2GAN_STATUS_INVALID_ARGUMENT.
 *
 * Settings fields carry their contract in their comment: "default" (the value that
 * p2gan_*_params_init writes), "range" (an interval, inf allowed), "values" (the allowed
 * values), "enum" (the enum family whose values the field holds), "name" (the .NET and
 * command-line name when it is not the field name in PascalCase) and "architecture" (a
 * checkpoint restores only into a model with the same value; "nonzero": the same
 * zero/non-zero state). tools/bindgen generates the native defaults, validation and
 * checkpoint text, and the .NET bindings and option types, from these comments. */

typedef int32_t p2gan_status;
typedef enum p2gan_status_code {
    P2GAN_STATUS_OK = 0,                  /* success; out-parameters are written */
    P2GAN_STATUS_INVALID_ARGUMENT = 1,    /* null pointer, bad size, shape or value */
    P2GAN_STATUS_NON_FINITE_INPUT = 2,    /* NaN or infinity in an input buffer */
    P2GAN_STATUS_NON_FINITE_LOSS = 3,     /* a loss became NaN/inf; no update applied */
    P2GAN_STATUS_IO_ERROR = 4,            /* file missing, unreadable or not writable */
    P2GAN_STATUS_CHECKPOINT_MISMATCH = 5, /* checkpoint made for another architecture, or of an unknown format */
    P2GAN_STATUS_DEVICE_ERROR = 6,        /* requested device unavailable */
    P2GAN_STATUS_INTERNAL_ERROR = 7       /* anything else (a bug: please report) */
} p2gan_status_code;

typedef enum p2gan_adain_mode {
    P2GAN_ADAIN_STATISTICS = 0, /* paper: style map C x 4 x 4, its per-channel mean/std */
    P2GAN_ADAIN_AFFINE = 1      /* posterior module gives per-channel gain and bias */
} p2gan_adain_mode;

typedef enum p2gan_distance_estimator {
    P2GAN_DISTANCE_CLOSED_FORM = 0, /* (mu1-mu2)^2 + (s1-s2)^2, mean over dims */
    P2GAN_DISTANCE_SAMPLED = 1      /* (a1-a2)^2 with a shared e ~ N(0,1) per element */
} p2gan_distance_estimator;

/* What is trained: P2GAN, or a baseline in the same networks and budget (docs/results.md). */
typedef enum p2gan_method {
    P2GAN_METHOD_P2GAN = 0,          /* the paper: D gives a posterior, G is driven by its codes */
    P2GAN_METHOD_LSGAN = 1,          /* baseline: scalar D, least squares (a = -1, b = 1, c = 0) */
    P2GAN_METHOD_HINGE = 2,          /* baseline: scalar D, hinge loss (SNGAN) */
    P2GAN_METHOD_NON_SATURATING = 3  /* baseline: scalar D, non-saturating loss (DCGAN) */
} p2gan_method;

/* How the train step computes; none of these change the model or its checkpoints. */
typedef enum p2gan_precision {
    P2GAN_PRECISION_FLOAT32 = 0,          /* everything in float32 */
    P2GAN_PRECISION_BFLOAT16_AUTOCAST = 1 /* bf16 autocast of the forward passes (CUDA only) */
} p2gan_precision;

typedef enum p2gan_memory_format {
    P2GAN_MEMORY_FORMAT_CONTIGUOUS = 0,   /* NCHW activations */
    P2GAN_MEMORY_FORMAT_CHANNELS_LAST = 1 /* NHWC activations inside the networks */
} p2gan_memory_format;

typedef enum p2gan_kernels {
    P2GAN_KERNELS_FAST = 0,     /* the optimized paths (docs/benchmarks.md) */
    P2GAN_KERNELS_REFERENCE = 1 /* the straightforward LibTorch ops; same results to float
                                 * rounding, kept to test the fast paths against */
} p2gan_kernels;

typedef enum p2gan_native_log_level {
    P2GAN_LOG_DEBUG = 0,       /* internal detail; not on stderr without a callback */
    P2GAN_LOG_INFORMATION = 1, /* what was done, e.g. the device a model was created on; not on stderr */
    P2GAN_LOG_WARNING = 2,     /* worth attention; the call still succeeds */
    P2GAN_LOG_ERROR = 3        /* a failure */
} p2gan_native_log_level;

/* What the model is: architecture, priors, losses and optimizer. Stored in checkpoints.
 * Fill with p2gan_model_params_init (or p2gan_model_default_params), then change fields. */
typedef struct p2gan_model_params {
    uint32_t struct_size;
    int32_t resolution;         /* Image side in pixels. default 32; values 32 64 128; architecture */
    int32_t channels;           /* Image channels. default 3; values 1 3; architecture */
    int32_t base_channels;      /* c in the paper (64 there): channels of the first level, doubled per level up to 8c. default 64; range [1, 1024]; architecture */
    int32_t noise_dim;          /* n, the dimension of the noise eps. default 128; range [1, 4096]; architecture */
    int32_t posterior_dim;      /* d, the dimension of the posterior codes. default 128; range [1, 4096]; architecture */
    int32_t adain_mode;         /* How each posterior module drives its AdaIN layer. default P2GAN_ADAIN_STATISTICS; enum p2gan_adain_mode; architecture */
    int32_t distance_estimator; /* Estimator of the distance between two diagonal Gaussians. default P2GAN_DISTANCE_CLOSED_FORM; enum p2gan_distance_estimator */
    float mu_a;                 /* Mean of the fake prior P_a = N(mu_a, sigma_a^2 I). default -1; range (-inf, inf) */
    float sigma_a;              /* Standard deviation of the fake prior P_a. default 0.5; range (0, inf) */
    float mu_b;                 /* Mean of the real prior P_b = N(mu_b, sigma_b^2 I). default 1; range (-inf, inf) */
    float sigma_b;              /* Standard deviation of the real prior P_b. default 1.5; range (0, inf) */
    float lambda_z;             /* Weight of L_z in L_G = L_adv + lambda_z L_z (0 turns L_z off). default 10; range [0, inf) */
    float lr_d;                 /* Adam learning rate of D. default 0.0002; range (0, inf); name LearningRateD */
    float lr_g;                 /* Adam learning rate of G. default 0.0002; range (0, inf); name LearningRateG */
    float beta1;                /* Adam beta1 of both optimizers. default 0; range [0, 1) */
    float beta2;                /* Adam beta2 of both optimizers. default 0.999; range [0, 1) */
    int32_t n_dis;              /* D updates per G update. default 1; range [1, 1000000]; name NDis */
    int32_t pretrain_steps;     /* The first pretrain_steps steps update D only. default 0; range [0, 2147483647] */
    float ema_decay;            /* Decay of the exponential moving average of G; 0 = no EMA generator. default 0; range [0, 1); architecture nonzero */
    uint64_t seed;              /* Every random draw of the model (initial weights, noise) derives from it. default 0 */
    int32_t posterior_promotion; /* 1: G is driven by codes from D's posterior of real images (the paper); 0: by codes drawn from P_c, the "no promotion" ablation. default 1; values 0 1 */
    int32_t method;             /* P2GAN, or a baseline with a scalar head on D's trunk and G driven by codes from P_c. default P2GAN_METHOD_P2GAN; enum p2gan_method; architecture */
} p2gan_model_params;
#define P2GAN_MODEL_PARAMS_SIZE_V3_0 88

/* Where and how the model runs: never part of a checkpoint. Fill with
 * p2gan_runtime_params_init (or p2gan_runtime_default_params), then change fields. */
typedef struct p2gan_runtime_params {
    uint32_t struct_size;
    int32_t intra_op_threads;   /* LibTorch intra-op threads, process-wide; 0 = one per hardware thread (OpenBLAS is then set to 1 thread). default 0; range [0, 1024]; name Threads */
    int32_t precision;          /* Arithmetic of the train step's forward passes (bf16 autocast on CUDA only). default P2GAN_PRECISION_FLOAT32; enum p2gan_precision */
    int32_t memory_format;      /* Layout of the activations inside the networks. default P2GAN_MEMORY_FORMAT_CONTIGUOUS; enum p2gan_memory_format */
    int32_t kernels;            /* Fast paths, or the reference LibTorch operations they are tested against. default P2GAN_KERNELS_FAST; enum p2gan_kernels */
    char device[32];            /* Device: "cpu", "cuda" or "cuda:N"; NUL-terminated. default "cpu" */
    int32_t sync_batch_norm;    /* In a process group: 1 computes AdaIN's batch statistics over every rank's batch (what one process with the global batch computes), 0 over each rank's own batch. default 1; values 0 1 */
} p2gan_runtime_params;
#define P2GAN_RUNTIME_PARAMS_SIZE_V3_0 52

/* What one p2gan_model_train_step did (the caller sets struct_size). */
typedef struct p2gan_step_metrics {
    uint32_t struct_size;
    int32_t g_updated;         /* 1 when this step also updated G */
    int64_t step;              /* steps completed after this one */
    float loss_d;              /* L_D */
    float loss_adv;            /* L_adv (computed on the D-step fakes when G was not updated) */
    float loss_z;              /* L_z (idem) */
    float loss_g;              /* L_G = L_adv + lambda_z * L_z */
    float real_mu_mean;        /* mean of mu(x_r) */
    float real_sigma_mean;     /* mean of sigma(x_r) */
    float fake_mu_mean;        /* mean of mu(x_g) */
    float fake_sigma_mean;     /* mean of sigma(x_g) */
} p2gan_step_metrics;
#define P2GAN_STEP_METRICS_SIZE_V3_0 48

/* Wall-clock milliseconds of each phase of the last p2gan_model_train_step (the caller
 * sets struct_size). On CUDA, phases are separated only while profiling is on
 * (p2gan_model_set_profiling), which synchronizes the device at each boundary. */
typedef struct p2gan_step_timings {
    uint32_t struct_size;
    int32_t synchronized;      /* 1 when the device was synchronized at each boundary */
    double transfer_ms;        /* the input batch to the device */
    double d_forward_ms;       /* D step: D(real), G without gradients, D(fake), L_D */
    double d_backward_ms;      /* D step: backward of L_D */
    double g_forward_ms;       /* G step: D(real) without gradients, G, D(fake), L_G */
    double g_backward_ms;      /* G step: backward of L_G */
    double optimizer_ms;       /* both Adam updates and the EMA */
    double total_ms;           /* the whole call, metrics included */
    double communication_ms;   /* in a process group: time in collective calls (part of the phases above) */
    int64_t communication_bytes; /* in a process group: bytes this rank sent into collective calls */
    int32_t host_syncs;        /* reads of device values by the host during the step (each one a device
                                * synchronisation on CUDA): the loss checks and the metrics */
} p2gan_step_timings;
#define P2GAN_STEP_TIMINGS_SIZE_V3_0 64

/* Losses of one evaluation-mode pass (p2gan_model_forward; the caller sets struct_size). */
typedef struct p2gan_losses {
    uint32_t struct_size;
    float loss_d;              /* L_D */
    float loss_adv;            /* L_adv */
    float loss_z;              /* L_z */
    float loss_g;              /* L_G */
} p2gan_losses;
#define P2GAN_LOSSES_SIZE_V3_0 20

typedef void (*p2gan_log_callback)(int32_t level, const char* message, void* user_data);

/* ---- library ---------------------------------------------------------------- */

/* (P2GAN_ABI_VERSION_MAJOR << 16) | P2GAN_ABI_VERSION_MINOR of the library. Infallible,
 * thread-safe. */
P2GAN_API uint32_t p2gan_abi_version(void);
/* Static string, never freed. */
P2GAN_API const char* p2gan_version_string(void);
/* The calling thread's last error message ("" when none). Owned by the library,
 * valid until the calling thread's next p2gan_ call. */
P2GAN_API const char* p2gan_last_error(void);
/* Routes native log messages to callback (NULL restores the default: stderr for
 * warnings and errors). The callback may be called from any thread that calls in; level
 * is a p2gan_native_log_level. It is called without any library lock held, so it may call
 * back into the library (p2gan_log_set and p2gan_model_create included); it may run on
 * several threads at once, and a message logged while p2gan_log_set runs on another thread
 * may still reach the previous callback with its previous user data. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_log_set(p2gan_log_callback callback, void* user_data);
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_cuda_is_available(int32_t* out_available);

/* ---- model ------------------------------------------------------------------ */

typedef struct p2gan_model p2gan_model;

/* Writes the default of every field that params->struct_size covers (set it first; see
 * "Structs" above). Defaults: 32x32x3, c=64, n=d=128, statistics AdaIN, closed-form
 * distance, P_a=N(-1,0.5^2), P_b=N(1,1.5^2), lambda_z=10, Adam(2e-4, 0.0, 0.999),
 * n_dis=1, pretrain_steps=0, no EMA, seed 0. Thread-safe. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_params_init(p2gan_model_params* params);
/* The same for the runtime settings: "cpu", one thread per core, float32, contiguous,
 * fast kernels. Thread-safe. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_runtime_params_init(p2gan_runtime_params* params);

/* Header-only conveniences (compiled into the caller, so they follow the caller's header):
 * the defaults of this header's structs. */
static inline p2gan_model_params p2gan_model_default_params(void) {
    p2gan_model_params params;
    memset(&params, 0, sizeof(params));
    params.struct_size = sizeof(params);
    if (p2gan_model_params_init(&params) != P2GAN_STATUS_OK) params.struct_size = 0;
    return params;
}
static inline p2gan_runtime_params p2gan_runtime_default_params(void) {
    p2gan_runtime_params params;
    memset(&params, 0, sizeof(params));
    params.struct_size = sizeof(params);
    if (p2gan_runtime_params_init(&params) != P2GAN_STATUS_OK) params.struct_size = 0;
    return params;
}

/* Creates a model; runtime may be NULL (the defaults). Free it with p2gan_model_destroy.
 * A model whose estimated memory (parameters, optimizer state, activations for a batch of
 * 64) exceeds the available memory (MemAvailable on Linux) or P2GAN_MEMORY_LIMIT_MB (MiB) is
 * refused with P2GAN_STATUS_INVALID_ARGUMENT before anything is allocated; the same holds
 * for p2gan_model_load. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_create(const p2gan_model_params* params,
                                                               const p2gan_runtime_params* runtime,
                                                               p2gan_model** out_model);
/* Accepts NULL. Destroying a model twice, or using it after destroy, is undefined
 * behaviour (the .NET SafeHandles make both impossible). */
P2GAN_API void p2gan_model_destroy(p2gan_model* model);
/* The model's settings (learning rates and EMA decay as last set); the caller sets
 * out_params->struct_size. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_get_params(const p2gan_model* model, p2gan_model_params* out_params);
/* The runtime settings the model was created with; the caller sets out_runtime->struct_size. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_get_runtime(const p2gan_model* model, p2gan_runtime_params* out_runtime);
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_get_step(const p2gan_model* model, int64_t* out_step);
/* Changes the Adam learning rates from the next step on (schedules). */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_set_learning_rates(p2gan_model* model, float lr_d, float lr_g);
/* Changes the EMA decay from the next G update on (EMA warm-up); the model must have been
 * created with ema_decay > 0, and decay must be in (0, 1). */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_set_ema_decay(p2gan_model* model, float decay);

/* One training iteration on a batch of real images, shape [B, C, H, W] (rank 4):
 * a D update, then a G update when step >= pretrain_steps and
 * (step - pretrain_steps + 1) % n_dis == 0, where step counts the steps completed before
 * this one. out_metrics->struct_size is set by the caller. A step refused with any status
 * (P2GAN_STATUS_NON_FINITE_LOSS included) is a no-op: weights, buffers, optimizer state,
 * step count and random state are exactly as before the call.
 * Non-finite inputs are refused (P2GAN_STATUS_NON_FINITE_INPUT) and a non-finite loss
 * leaves every weight untouched (P2GAN_STATUS_NON_FINITE_LOSS). */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_train_step(
    p2gan_model* model, const float* real, size_t real_count, const int64_t* shape, size_t rank,
    p2gan_step_metrics* out_metrics);

/* Generates images from explicit inputs in evaluation mode: noise [count, n] and
 * posterior codes [count, d] -> out_images [count, C, H, W]. use_ema selects the EMA
 * generator (error when EMA is off). */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_generate(
    p2gan_model* model, int64_t count, const float* noise, size_t noise_count,
    const float* codes, size_t codes_count, int32_t use_ema, float* out_images, size_t out_count);

/* Samples count images from seed: noise eps ~ N(0, I); codes z = mu(x) + sigma(x) e'
 * from the posteriors of the given real images (real may be NULL: then z ~ P_c).
 * When real is given its batch size must equal count (method P2GAN only: a baseline's D has
 * no posterior, P2GAN_STATUS_INVALID_ARGUMENT). */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_sample(
    p2gan_model* model, int64_t count, uint64_t seed, const float* real, size_t real_count,
    const int64_t* shape, size_t rank, int32_t use_ema, float* out_images, size_t out_count);

/* Posterior of images [B, C, H, W] in evaluation mode: out_mu and out_sigma [B, d];
 * out_count is the size of EACH of the two buffers (B * d). Method P2GAN only. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_encode(
    p2gan_model* model, const float* images, size_t images_count, const int64_t* shape, size_t rank,
    float* out_mu, float* out_sigma, size_t out_count);

/* steps images along the straight line between (noise_a, code_a) and (noise_b, code_b),
 * both ends included (steps >= 2): out_images [steps, C, H, W]. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_interpolate(
    p2gan_model* model, const float* noise_a, const float* noise_b, size_t noise_count,
    const float* code_a, const float* code_b, size_t code_count, int64_t steps, int32_t use_ema,
    float* out_images, size_t out_count);

/* The full evaluation-mode pass documented in docs/architecture.md: given real [B,C,H,W],
 * noise [B,n] and posterior noise e' [B,d], writes mu/sigma of the real images [B,d],
 * codes z = mu + sigma e' [B,d], fakes [B,C,H,W], mu/sigma of the fakes [B,d], and the
 * closed-form losses. Every out buffer is required. Method P2GAN only. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_forward(
    p2gan_model* model, const float* real, size_t real_count, const int64_t* shape, size_t rank,
    const float* noise, size_t noise_count, const float* posterior_noise, size_t posterior_noise_count,
    float* out_mu_real, float* out_sigma_real, float* out_codes, float* out_fake,
    float* out_mu_fake, float* out_sigma_fake, size_t posterior_count, size_t fake_count,
    p2gan_losses* out_losses);

/* ---- persistence -------------------------------------------------------------- */

/* Checkpoints carry a SHA-256 of their content, verified before anything is parsed: a
 * damaged file is refused with P2GAN_STATUS_CHECKPOINT_MISMATCH. Format-1 checkpoints (ABI
 * 1 and 2) have none and load with a warning.
 * Writes one checkpoint file atomically (temporary file, fsync, rename). host_state may
 * be NULL or a NUL-terminated UTF-8 string (at most 16 MiB) that the host wants kept
 * with the weights, e.g. its data-order position and schedules as JSON; read it back
 * with p2gan_checkpoint_read_host_state. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_save(p2gan_model* model, const char* path, const char* host_state);
/* Restores a checkpoint into an existing model of the same architecture. A checkpoint
 * made for another architecture gives P2GAN_STATUS_CHECKPOINT_MISMATCH naming the field. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_restore(p2gan_model* model, const char* path);
/* Creates a model from a checkpoint's own settings, running with runtime (NULL: the
 * defaults, i.e. the CPU); free the result with p2gan_model_destroy. A checkpoint of a
 * format version this library does not know is refused (P2GAN_STATUS_CHECKPOINT_MISMATCH),
 * naming both versions. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_load(const char* path, const p2gan_runtime_params* runtime,
                                                             p2gan_model** out_model);
/* The host_state stored by p2gan_model_save ("" when none). Size query: *out_length
 * receives its length in bytes (without the NUL); out may be NULL to ask only that. When
 * out is given, capacity must exceed the length; the string is copied NUL-terminated. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_checkpoint_read_host_state(
    const char* path, char* out, size_t capacity, size_t* out_length);
/* Reads only a checkpoint's model settings; the caller sets out_params->struct_size. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_checkpoint_read_params(const char* path, p2gan_model_params* out_params);
/* Writes every weight and buffer of D, G (and G_ema when on) to a safetensors file with
 * PyTorch-style names (docs/architecture.md). */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_export_safetensors(p2gan_model* model, const char* path);

/* ---- distributed: data-parallel training (docs/distributed.md) ----------------- */

typedef struct p2gan_process_group p2gan_process_group;

/* Joins a process group of world_size ranks as `rank`; every rank calls it with the same
 * backend, init_method and world_size. backend: "gloo" (CPU tensors). init_method:
 *   "tcp://HOST:PORT"  rank 0 serves the rendezvous store on HOST:PORT, the others connect;
 *   "file:///PATH"     a store file on a file system every rank sees (a new run needs a new file);
 *   "env://"           torchrun's RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT (and its agent
 *                      store); rank and world_size must be -1 or agree with them.
 * timeout_ms (> 0) bounds the rendezvous and every collective call: when a rank does not
 * arrive, dies or hangs, the others fail with P2GAN_STATUS_IO_ERROR within it, naming the
 * call. Free with p2gan_process_group_destroy; models attached to it keep it alive. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_process_group_create(const char* backend, const char* init_method,
                                                                       int32_t rank, int32_t world_size, int32_t timeout_ms,
                                                                       p2gan_process_group** out_group);
/* Accepts NULL. */
P2GAN_API void p2gan_process_group_destroy(p2gan_process_group* group);
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_process_group_info(const p2gan_process_group* group, int32_t* out_rank,
                                                                     int32_t* out_world_size);
/* Collective: returns when every rank has called it. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_process_group_barrier(p2gan_process_group* group);
/* Collective: copies root's `size` bytes at data to every rank's data (1 <= size <= 2^30;
 * every rank passes the same size, else P2GAN_STATUS_INVALID_ARGUMENT on every rank). */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_process_group_broadcast(p2gan_process_group* group, void* data,
                                                                          size_t size, int32_t root);
/* Collective: makes the model train data-parallel in group; every rank calls it with a model
 * of the same settings (a difference is P2GAN_STATUS_INVALID_ARGUMENT naming the field).
 * It copies rank 0's weights, buffers, optimizer state, step and random state to every rank,
 * and so does each later p2gan_model_restore. From then on each train step (a collective)
 * averages the gradients of the updated network over the ranks, draws its noise for the
 * global batch and uses this rank's slice, and, with the runtime's sync_batch_norm, computes
 * AdaIN's batch statistics over the global batch: N ranks with batch B/N each compute what
 * one process with batch B computes. Every rank must pass a batch of the same size. The
 * metrics a step returns are global means. group NULL detaches. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_set_process_group(p2gan_model* model, p2gan_process_group* group);

/* ---- evaluation: feature networks ------------------------------------------------
 * A feature network maps images [B, C, H, W] in [-1, 1] (any C in {1, 3}, any H = W >= 8;
 * the network resizes/converts as docs/evaluation.md states) to features [B, feature_dim]
 * and logits [B, logit_dim]. Used by one thread at a time. */

typedef struct p2gan_feature_net p2gan_feature_net;

typedef enum p2gan_feature_network_kind {
    P2GAN_FEATURE_NET_INCEPTION_FID = 0,            /* pytorch-fid's Inception-v3: 2048-d pool, 1008 logits */
    P2GAN_FEATURE_NET_FASHION_MNIST_CLASSIFIER = 1  /* the project's Fashion-MNIST CNN: 128-d features, 10 logits */
} p2gan_feature_network_kind;

typedef enum p2gan_feature_resize_mode {
    P2GAN_RESIZE_PYTORCH_FID = 0, /* pytorch-fid 0.3.0: bilinear to 299x299, align_corners = false, no antialiasing */
    P2GAN_RESIZE_ANTIALIASED = 1  /* clean-fid 0.1.35 "clean": 8-bit levels, antialiased bicubic, clip to [0, 255], (v - 128) / 128 */
} p2gan_feature_resize_mode;

/* Loads the FID Inception-v3 from pytorch-fid's pt_inception-2015-12-05-6726825d.pth or a
 * .safetensors file with the same tensor names. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_inception_load(const char* weights_path, const char* device,
                                                                 p2gan_feature_net** out_net);
/* Loads a classifier file (p2gan_classifier_save) as a feature network. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_feature_net_load_classifier(const char* path, const char* device,
                                                                              p2gan_feature_net** out_net);
/* Accepts NULL. Double destroy and use after destroy are undefined behaviour. */
P2GAN_API void p2gan_feature_net_destroy(p2gan_feature_net* net);
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_feature_net_info(const p2gan_feature_net* net, int32_t* out_kind,
                                                                   int32_t* out_feature_dim, int32_t* out_logit_dim);
/* The SHA-256 (lowercase hex) of the file the network was loaded from: the identity of its
 * weights, e.g. for caches of real-data statistics; "" for a network not loaded from a file
 * (p2gan_classifier_feature_net). Size query as p2gan_checkpoint_read_host_state: out may be
 * NULL; otherwise capacity must exceed the length, and the text is copied NUL-terminated. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_feature_net_source_sha256(const p2gan_feature_net* net, char* out,
                                                                            size_t capacity, size_t* out_length);
/* Features and logits in evaluation mode; either output may be NULL (then its count is
 * ignored). resize_mode: P2GAN_RESIZE_* (only the Inception network resizes). */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_feature_net_extract(
    p2gan_feature_net* net, const float* images, size_t images_count, const int64_t* shape, size_t rank,
    int32_t resize_mode, float* out_features, size_t features_count, float* out_logits, size_t logits_count);

/* ---- evaluation: the Fashion-MNIST classifier ------------------------------------
 * The trainable network behind P2GAN_FEATURE_NET_FASHION_MNIST_CLASSIFIER. A classifier is
 * used by one thread at a time. */

typedef struct p2gan_classifier p2gan_classifier;

/* A new, untrained Fashion-MNIST classifier (10 classes) initialised from seed; device NULL
 * or "" means "cpu". Free it with p2gan_classifier_destroy. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_classifier_create(const char* device, uint64_t seed,
                                                                    p2gan_classifier** out_classifier);
/* Continues a classifier saved with p2gan_classifier_save (weights, Adam state, step). */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_classifier_load(const char* path, const char* device,
                                                                  p2gan_classifier** out_classifier);
/* Accepts NULL. Double destroy and use after destroy are undefined behaviour. */
P2GAN_API void p2gan_classifier_destroy(p2gan_classifier* classifier);
/* One optimisation step on images [B, 1, H, W] with labels [B] in 0..9; out_loss: the
 * batch's cross-entropy before the step. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_classifier_train_step(
    p2gan_classifier* classifier, const float* images, size_t images_count, const int64_t* shape, size_t rank,
    const int32_t* labels, size_t labels_count, float learning_rate, float* out_loss);
/* Writes the classifier atomically. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_classifier_save(p2gan_classifier* classifier, const char* path);
/* A feature network holding a copy of the classifier's current weights (for accuracy checks
 * and evaluation); free it with p2gan_feature_net_destroy. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_classifier_feature_net(const p2gan_classifier* classifier,
                                                                         p2gan_feature_net** out_net);

/* ---- evaluation: metrics (float64 inside) ----------------------------------------
 * Feature matrices are row-major [count, dim] float32. */

/* Mean [dim] and covariance [dim, dim] (unbiased, divides by count - 1; count >= 2). */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_metric_statistics(
    const float* features, int64_t count, int64_t dim, double* out_mean, double* out_covariance);
/* Frechet distance between N(mean_a, cov_a) and N(mean_b, cov_b): |m_a - m_b|^2 +
 * tr(C_a + C_b - 2 (C_a C_b)^(1/2)), the square root through a symmetric eigendecomposition. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_metric_frechet_distance(
    const double* mean_a, const double* covariance_a, const double* mean_b, const double* covariance_b,
    int64_t dim, double* out_distance);
/* KID: unbiased MMD^2 with the kernel (x.y / dim + 1)^3 over `subsets` random subsets of
 * subset_size rows of each set (drawn from seed); mean and standard deviation. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_metric_kid(
    const float* features_a, int64_t count_a, const float* features_b, int64_t count_b, int64_t dim,
    int64_t subsets, int64_t subset_size, uint64_t seed, double* out_mean, double* out_std);
/* Inception score of logits [count, classes] over `splits` consecutive splits: mean, std. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_metric_inception_score(
    const float* logits, int64_t count, int64_t classes, int64_t splits, double* out_mean, double* out_std);
/* Improved precision and recall (k-NN manifolds, Kynkaanniemi et al. 2019). */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_metric_precision_recall(
    const float* real, int64_t count_real, const float* fake, int64_t count_fake, int64_t dim, int64_t k,
    double* out_precision, double* out_recall);

/* ---- benchmarking ------------------------------------------------------------
 * What `p2gan bench` and tools/p2gan_bench_native report (docs/benchmarks.md). */

/* The process's compute settings (the caller sets struct_size). */
typedef struct p2gan_runtime_info {
    uint32_t struct_size;
    int32_t intra_op_threads;   /* LibTorch's intra-op pool now */
    int32_t blas_threads;       /* OpenBLAS's thread count as the core set it; -1 when the
                                 * BLAS is not OpenBLAS (or not known) */
    int32_t cores;              /* hardware threads (std::thread::hardware_concurrency) */
    int32_t mkldnn;             /* 1 when LibTorch was built with oneDNN (MKL-DNN) */
    int32_t cuda_available;     /* 1 when a CUDA device can be used */
    char libtorch_version[32];  /* TORCH_VERSION the core was built against, NUL-terminated */
    char blas[160];             /* the BLAS and its threads as the core configured them, e.g.
                                 * "OpenBLAS 0.3.21 ... , 1 thread"; NUL-terminated, may be cut */
} p2gan_runtime_info;
#define P2GAN_RUNTIME_INFO_SIZE_V3_0 216

/* Thread-safe (reads process-wide settings). */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_runtime_info_get(p2gan_runtime_info* out_info);

/* Phase times of the model's last p2gan_model_train_step (all zero before the first); the
 * caller sets out_timings->struct_size. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_last_step_timings(const p2gan_model* model,
                                                                          p2gan_step_timings* out_timings);
/* enabled != 0: from the next step on, CUDA work is synchronized at each phase boundary so
 * that the phase times are the phases' own (slower steps). No effect on the CPU, where the
 * phases are always exact. Off when a model is created. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_set_profiling(p2gan_model* model, int32_t enabled);

/* Floating-point operations of one train step on `batch` images (1 <= batch <= 2^20) with
 * this model's architecture: a D update then a G update, counted from the layer shapes
 * (conv, transposed conv and linear layers at 2 FLOPs per multiply-accumulate; backward
 * only where the step computes gradients). The convention is spelled out in
 * docs/benchmarks.md; the value does not depend on n_dis, pre-training, device or kernels. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_model_step_flops(const p2gan_model* model, int64_t batch,
                                                                   double* out_flops);

/* The machine's float32 GEMM peak through the BLAS that LibTorch uses: the best of a few
 * torch::mm of two size x size matrices (64 <= size <= 16384), in GFLOP/s (2 size^3 / s).
 * threads: OpenBLAS threads during the probe (0 = one per hardware thread, at most 256);
 * afterwards OpenBLAS is set back to what model creation set. Process-wide: no train step
 * may run in another thread meanwhile. threads has no effect on a BLAS that is not OpenBLAS. */
P2GAN_API P2GAN_MUST_USE_RESULT p2gan_status p2gan_peak_gemm_gflops(int64_t size, int32_t threads, double* out_gflops);

#ifdef __cplusplus
}
#endif

#endif /* P2GAN_P2GAN_H */
