/* The R half of the array transport (CONVENTIONS.md section 1).
 *
 * rk_lend() lends an R vector's memory to the engine: it preserves the vector (so that no
 * garbage collection can free it while NumPy views it), marks it not mutable (so that R
 * copies instead of changing it in place), and returns the data's address and the vector's
 * own address. The engine's view holds the vector through an object that, when NumPy frees
 * the last array made from it, queues the vector for R_ReleaseObject on R's thread
 * (rkbridge/boundary/transport.py); rk_release_address() gives it that function.
 * rk_alloc() makes an uninitialised vector with its dim() for the engine to fill in one
 * copy; rk_from_raw() copies a small result the engine sent inline, in R's layout. Nothing here loops over elements. */
#include <stdint.h>
#include <string.h>
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>

static void *data_address(SEXP x) {
  switch (TYPEOF(x)) {
  case REALSXP: return REAL(x);
  case INTSXP: return INTEGER(x);
  case LGLSXP: return LOGICAL(x);
  case RAWSXP: return RAW(x);
  default: Rf_error("rk_lend: unsupported vector type %s", Rf_type2char(TYPEOF(x)));
  }
  return NULL;
}

static SEXP rk_lend(SEXP x) {
  void *p = data_address(x);  /* may error: before anything is preserved */
  SEXP out = PROTECT(Rf_allocVector(REALSXP, 2));
  REAL(out)[0] = (double)(uintptr_t)p;
  REAL(out)[1] = (double)(uintptr_t)x;
  MARK_NOT_MUTABLE(x);
  R_PreserveObject(x);
  UNPROTECT(1);
  return out;
}

/* The address of R_ReleaseObject, which the engine calls (on R's thread only) to end a loan. */
static SEXP rk_release_address(void) {
  return Rf_ScalarReal((double)(uintptr_t)&R_ReleaseObject);
}

/* The address of R_RunExitFinalizers, for the engine's exit hook under rpy2
 * (rkbridge/boundary/embedding.py). */
static SEXP rk_exit_finalizers_address(void) {
  return Rf_ScalarReal((double)(uintptr_t)&R_RunExitFinalizers);
}

static SEXP rk_alloc(SEXP kind, SEXP dims) {
  const char *k = CHAR(STRING_ELT(kind, 0));
  SEXPTYPE type = REALSXP;
  if (!strcmp(k, "integer")) type = INTSXP;
  else if (!strcmp(k, "logical")) type = LGLSXP;
  else if (!strcmp(k, "raw")) type = RAWSXP;
  else if (strcmp(k, "double")) Rf_error("rk_alloc: unsupported kind %s", k);
  R_xlen_t n = 1;
  int nd = LENGTH(dims);
  for (int i = 0; i < nd; i++) n *= INTEGER(dims)[i];
  SEXP out = PROTECT(Rf_allocVector(type, n));
  /* a 1-d array is a 1-d R array, as reticulate gives one; Python bytes (raw) stay plain */
  if (nd > 1 || (nd == 1 && type != RAWSXP)) Rf_setAttrib(out, R_DimSymbol, dims);
  UNPROTECT(1);
  return out;
}

/* The R vector a small engine array was sent as, inline (inline() in
 * rkbridge/boundary/transport.py): "RKA1", then int32 kind code (1 double, 2 integer,
 * 3 logical, 4 raw), number of dims and the dims, then from the next multiple of 8 bytes
 * the elements, already in R's type and column-major order. */
static SEXP rk_from_raw(SEXP bytes) {
  if (TYPEOF(bytes) != RAWSXP || XLENGTH(bytes) < 12 || memcmp(RAW(bytes), "RKA1", 4))
    Rf_error("rk_from_raw: not an inline array");
  const unsigned char *p = RAW(bytes);
  int32_t code, nd;
  memcpy(&code, p + 4, 4);
  memcpy(&nd, p + 8, 4);
  size_t start = ((4 + 4 * (size_t)(2 + nd)) + 7) / 8 * 8;
  if (nd < 0 || (size_t)XLENGTH(bytes) < start) Rf_error("rk_from_raw: bad header");
  SEXPTYPE type = code == 1 ? REALSXP : code == 2 ? INTSXP : code == 3 ? LGLSXP : RAWSXP;
  size_t size = type == REALSXP ? sizeof(double) : type == RAWSXP ? 1 : sizeof(int);
  R_xlen_t n = 1;
  SEXP dims = PROTECT(Rf_allocVector(INTSXP, nd));
  for (int i = 0; i < nd; i++) {
    int32_t d;
    memcpy(&d, p + 12 + 4 * (size_t)i, 4);
    INTEGER(dims)[i] = d;
    n *= d;
  }
  if ((size_t)XLENGTH(bytes) != start + (size_t)n * size) Rf_error("rk_from_raw: bad length");
  SEXP out = PROTECT(Rf_allocVector(type, n));
  if (n) memcpy(data_address(out), p + start, (size_t)n * size);
  if (nd >= 1) Rf_setAttrib(out, R_DimSymbol, dims);  /* a 1-d array too; rank 0 plain */
  UNPROTECT(2);
  return out;
}

/* The address of a vector R just allocated, for the engine to fill (rk_alloc's result). */
static SEXP rk_address(SEXP x) {
  return Rf_ScalarReal((double)(uintptr_t)data_address(x));
}

/* src/embedded.c */
SEXP rk_guard_reticulate(SEXP reticulate_path, SEXP decref, SEXP pending);
/* src/early_python.c */
SEXP rk_python_early(SEXP libpython, SEXP program, SEXP code);
SEXP rk_python_resume(void);
/* src/model_state.c */
SEXP rk_state_new(SEXP model);
SEXP rk_state_saved(SEXP x);
SEXP rk_state_set_live(SEXP x, SEXP model);
void rk_register_model_state(DllInfo *dll);
/* src/handles.c */
SEXP rk_py_id(SEXP x);
/* src/jumps.c */
SEXP rk_hold_jumps(SEXP thunk);
SEXP rk_resume_jump(void);

static const R_CallMethodDef calls[] = {
  {"rk_guard_reticulate", (DL_FUNC) &rk_guard_reticulate, 3},
  {"rk_lend", (DL_FUNC) &rk_lend, 1},
  {"rk_release_address", (DL_FUNC) &rk_release_address, 0},
  {"rk_address", (DL_FUNC) &rk_address, 1},
  {"rk_exit_finalizers_address", (DL_FUNC) &rk_exit_finalizers_address, 0},
  {"rk_python_early", (DL_FUNC) &rk_python_early, 3},
  {"rk_python_resume", (DL_FUNC) &rk_python_resume, 0},
  {"rk_alloc", (DL_FUNC) &rk_alloc, 2},
  {"rk_from_raw", (DL_FUNC) &rk_from_raw, 1},
  {"rk_state_new", (DL_FUNC) &rk_state_new, 1},
  {"rk_state_saved", (DL_FUNC) &rk_state_saved, 1},
  {"rk_state_set_live", (DL_FUNC) &rk_state_set_live, 2},
  {"rk_hold_jumps", (DL_FUNC) &rk_hold_jumps, 1},
  {"rk_resume_jump", (DL_FUNC) &rk_resume_jump, 0},
  {"rk_py_id", (DL_FUNC) &rk_py_id, 1},
  {NULL, NULL, 0}
};

void R_init_rkbridge(DllInfo *dll) {
  R_registerRoutines(dll, NULL, calls, NULL, NULL);
  R_useDynamicSymbols(dll, FALSE);
  rk_register_model_state(dll);
}
