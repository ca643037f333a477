"""Where R ends and Keras begins: everything that knows R is on the other side.

The engine never imports this package (tests/test_layering.py): the boundary turns R's values
into the engine's (`values`: `RFactor`, `RDataFrame`, `RPartlyNamed`, `Named`; R functions
as `callables` know them) before an engine function runs, and registers what the engine
must recognise (R's report of an interrupt, `interrupts.recognise()`); the engine's
progress writer (`progress.set_writer()`) is set by R through `bridge`.

The R package calls the engine through `bridge.call()` (reticulate); Python users never pass
through here. The rules of the boundary, each kept in one module:

Ownership (`transport`). An R vector reaches the engine as a loan: R preserves it and marks
it not mutable (`rk_lend()` in src/transport.c), and the engine wraps its memory as a
read-only column-major NumPy view whose base object holds the loan. The loan ends when NumPy
frees the last array made from the view; the R vector is then released on R's thread at the
next engine call (or at the end of the call that lent it). So anything the engine keeps (a
layer argument, an initializer's value, a cached tensor) keeps its R vector alive, and no
garbage collection changes a result.

One crossing per call (`bridge.call()`). reticulate's cost is per crossing and per classed R
object it converts (it calls back into R for each), so the common case crosses once with
plain vectors only: R arrays given as arguments travel as loans inside the call (flat
numbers: addresses, kind, dims), layers and models R has passed before are named by their
id (held weakly here), and small results come back inline (below).

Conversion (`transport`, `bridge`). R -> engine: doubles are views (no copy); integers are
views unless they hold NA; logicals, factors (`RFactor`) and data.frames (`RDataFrame`) are
described, and their meaning is decided by the engine's data rules. Engine -> R: one
outbound protocol (`transport.box_arrays()`) for every result and every failure's value: a
`values.Record` (fit()'s history) becomes the dict of its fields, and every array, NumPy
scalar and bytes value is boxed (`ArrayBox`) and copied once into memory R allocated,
reordered to column-major; small numeric arrays travel inline instead (`[bytearray, kind,
dims...]`, already column-major: one call into Python fewer than a box). reticulate never
converts an array itself, and R never reads a Python object's attributes, so the result is
the same on Debian's reticulate 1.28 (which cannot convert NumPy 2) and on
reticulate >= 1.38 (which would, with copies of its own); the constructors whose result must
stay an array are fetched unconverted.

R functions (`rfunctions`), R's report of an interrupt (`interrupts`) and life inside rpy2
(`embedding`) are the other R-facing pieces. An R wrapper passed uncalled
(`loss = loss_binary_crossentropy`) arrives as the engine's `values.Named`.
"""
