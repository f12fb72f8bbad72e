"""Writes the HDF5 sample files the FastNmf tests read back, with Debian's h5py (an independent HDF5 writer).

Usage: python3 make_hdf5_samples.py OUTDIR

For every sample FILE.h5 holding a 4D-STEM data set it also writes FILE.expected.npy: the same values as float32 in
(scan_rows, scan_cols, det_rows, det_cols) order (a 3-D stack as (frames, det_rows, det_cols)); a test reads the .h5
through FastNmf and must get exactly these numbers. Values are small integers or quarters, exact in every dtype.

Samples (the layouts FastNmf documents):
  contiguous.h5        /data uint16 (3, 4, 5, 6), contiguous; plus a 2-D /scan_image and a 1-D /axis that must be ignored
  chunked_deflate.h5   /entry/frames int32, chunks (1, 2, 5, 6), shuffle + deflate level 4
  userblock.h5         as contiguous.h5 but with a 512-byte user block before the superblock
  emd.h5               EMD 1.0: /experiment/science_data (emd_group_type = 1) with data float32 + dim1..dim4; a second
                       4-D dataset outside any EMD group (/scratch/other) that must lose to the EMD one
  py4dstem_legacy.h5   py4DSTEM <= 0.12: /4DSTEM_experiment/data/datacubes/datacube_0/data uint8, emd_group_type = 1
  py4dstem.h5          py4DSTEM >= 0.13 (emdfile): /root (emd_group_type "root") /root/datacube (emd_group_type = 1,
                       python_class "DataCube") with data uint16 and dim0..dim3
  dtypes.h5            /dtypes/<byteorder><kind><bytes>, e.g. /dtypes/be_u2: every integer and float width, both byte
                       orders, shape (2, 3, 4, 5); expected values in dtypes.expected.npy
  stack.h5             DECTRIS-like 3-D stack /entry/data/data uint16 (12, 5, 6), chunks (1, 5, 6) -> scan shape 3x4
  dectris_master.h5    a DECTRIS acquisition: the master links /entry/data/data_000001..3 (external links) to
                       dectris_data_000001..3.h5, 5 + 5 + 2 frames of 4x6 uint16 (gzip chunks per frame), plus the
                       detectorSpecific metadata (pixel_mask flags pixels (0, 0) and (2, 5), which hold 65535);
                       expected as one (12, 4, 6) stack. dectris_gap_master.h5 links 3 files
                       of which the second is missing.
  bslz4.h5             /entry/data/data uint16 (2, 3, 8, 9) chunked per frame, bitshuffle + LZ4 (filter 32008) chunks
                       built here from the documented chunk format and stored with write_direct_chunk (no plugin
                       needed); only if python3-lz4 is present
  bslz4_plugin.h5      the same data through the real bitshuffle HDF5 plugin (Debian package bitshuffle), when present
  ambiguous.h5         two unrelated 4-D datasets: FastNmf must refuse to guess
"""
import os
import sys

import h5py
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def values(shape, seed, quarters=False):
    rng = np.random.default_rng(seed)
    v = rng.integers(0, 100, size=shape)
    return v / 4.0 if quarters else v


def expected(name, array):
    np.save(os.path.join(out, name + ".expected.npy"), np.asarray(array, dtype=np.float32))


def path(name):
    return os.path.join(out, name + ".h5")


# contiguous + distractors
a = values((3, 4, 5, 6), 1).astype("<u2")
with h5py.File(path("contiguous"), "w") as f:
    f.create_dataset("data", data=a)
    f.create_dataset("scan_image", data=values((3, 4), 2).astype("f4"))
    f.create_dataset("axis", data=np.arange(6, dtype="f8"))
expected("contiguous", a)

with h5py.File(path("userblock"), "w", userblock_size=512) as f:
    f.create_dataset("data", data=a)
expected("userblock", a)

# chunked + shuffle + deflate
b = values((3, 4, 5, 6), 3).astype("<i4") - 50
with h5py.File(path("chunked_deflate"), "w") as f:
    f.create_dataset("entry/frames", data=b, chunks=(1, 2, 5, 6), compression="gzip", compression_opts=4, shuffle=True)
expected("chunked_deflate", b)

# EMD 1.0
c = values((2, 3, 4, 5), 4, quarters=True).astype("<f4")
with h5py.File(path("emd"), "w") as f:
    f.attrs["version_major"] = 1
    f.attrs["version_minor"] = 0
    g = f.create_group("experiment/science_data")
    g.attrs["emd_group_type"] = np.int32(1)
    g.create_dataset("data", data=c)
    for i, n in enumerate(c.shape, start=1):
        d = g.create_dataset(f"dim{i}", data=np.arange(n, dtype="f8"))
        d.attrs["name"] = ["R_y", "R_x", "Q_y", "Q_x"][i - 1]
        d.attrs["units"] = "[pix]"
    f.create_dataset("scratch/other", data=np.zeros((2, 2, 2, 2), dtype="u1"))
expected("emd", c)

# py4DSTEM <= 0.12
d4 = values((3, 2, 4, 4), 5).astype("u1")
with h5py.File(path("py4dstem_legacy"), "w") as f:
    top = f.create_group("4DSTEM_experiment")
    top.attrs["emd_group_type"] = 2
    top.attrs["version_major"] = 0
    top.attrs["version_minor"] = 12
    dc = top.create_group("data/datacubes/datacube_0")
    dc.attrs["emd_group_type"] = 1
    dc.create_dataset("data", data=d4)
    for i, n in enumerate(d4.shape, start=1):
        dc.create_dataset(f"dim{i}", data=np.arange(n))
    top.create_group("data/diffractionslices")
expected("py4dstem_legacy", d4)

# py4DSTEM >= 0.13 (emdfile)
e = values((2, 2, 6, 6), 6).astype("<u2")
with h5py.File(path("py4dstem"), "w") as f:
    root = f.create_group("root")
    root.attrs["emd_group_type"] = "root"
    dc = root.create_group("datacube")
    dc.attrs["emd_group_type"] = 1
    dc.attrs["python_class"] = "DataCube"
    dc.create_dataset("data", data=e, chunks=(1, 1, 6, 6), compression="gzip")
    for i, n in enumerate(e.shape):
        dc.create_dataset(f"dim{i}", data=np.arange(n))
    root.create_group("metadatabundle")
expected("py4dstem", e)

# every dtype in both byte orders
base = values((2, 3, 4, 5), 7)
with h5py.File(path("dtypes"), "w") as f:
    for order, tag in (("<", "le"), (">", "be")):
        for kind in ("i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8"):
            v = base - 50 if kind.startswith("i") else base
            f.create_dataset(f"dtypes/{tag}_{kind}", data=v.astype(order + kind))
expected("dtypes", base)
expected("dtypes_signed", base - 50)

# DECTRIS-like stack
s = values((12, 5, 6), 8).astype("<u2")
with h5py.File(path("stack"), "w") as f:
    f.create_dataset("entry/data/data", data=s, chunks=(1, 5, 6), compression="gzip")
expected("stack", s)

# DECTRIS acquisition: master + data files joined by external links
d = values((12, 4, 6), 13).astype("<u2")
mask = np.zeros((4, 6), "u4")
mask[0, 0], mask[2, 5] = 1, 16  # a gap pixel and a noisy one, as DECTRIS flags them; the frames hold 2^16 - 1 there
d[:, 0, 0] = d[:, 2, 5] = 65535
for i, (lo, hi) in enumerate([(0, 5), (5, 10), (10, 12)]):
    with h5py.File(os.path.join(out, f"dectris_data_{i + 1:06d}.h5"), "w") as f:
        f.create_dataset("entry/data/data", data=d[lo:hi], chunks=(1, 4, 6), compression="gzip")
        f["entry/data/data"].attrs["image_nr_low"] = lo + 1
        f["entry/data/data"].attrs["image_nr_high"] = hi
for name, files in (("dectris", 3), ("dectris_gap", 3)):
    with h5py.File(path(name + "_master"), "w") as f:
        for i in range(files):
            f[f"entry/data/data_{i + 1:06d}"] = h5py.ExternalLink(f"{name}_data_{i + 1:06d}.h5", "/entry/data/data")
        spec = f.create_group("entry/instrument/detector/detectorSpecific")
        spec["nimages"] = 12
        spec["ntrigger"] = 1
        spec.create_dataset("pixel_mask", data=mask)
expected("dectris_master", d)
os.link(os.path.join(out, "dectris_data_000001.h5"), os.path.join(out, "dectris_gap_data_000001.h5"))
os.link(os.path.join(out, "dectris_data_000003.h5"), os.path.join(out, "dectris_gap_data_000003.h5"))

# two unrelated 4-D datasets
with h5py.File(path("ambiguous"), "w") as f:
    f.create_dataset("first", data=np.zeros((2, 2, 3, 3), "u2"))
    f.create_dataset("second", data=np.zeros((2, 2, 3, 3), "u2"))


# bitshuffle + LZ4, built from the documented chunk format with NumPy and python3-lz4
def bitshuffle_block(block, elem_size):
    # planes[8 * j + b] = bit b of byte j of every element, element i at bit i % 8 of byte i // 8 (little bit order)
    by = block.view(np.uint8).reshape(-1, elem_size)               # (n, elem_size)
    bits = np.unpackbits(by, axis=1, bitorder="little")             # (n, 8 * elem_size), column 8 * j + b
    return np.packbits(bits.T, axis=1, bitorder="little").tobytes() # one row of n / 8 bytes per plane


def bslz4_chunk(data, block_size):
    import lz4.block
    flat = np.ascontiguousarray(data).reshape(-1)
    es = flat.dtype.itemsize
    n = flat.size
    parts = [int(n * es).to_bytes(8, "big"), int(block_size * es).to_bytes(4, "big")]
    start = 0
    while start < n - n % 8:
        count = min(block_size, (n - n % 8) - start)
        packed = lz4.block.compress(bitshuffle_block(flat[start:start + count], es), store_size=False)
        parts += [len(packed).to_bytes(4, "big"), packed]
        start += count
    parts.append(flat[n - n % 8:].tobytes())
    return b"".join(parts)


bs = values((2, 3, 8, 9), 9).astype("<u2") * 13
try:
    import lz4.block  # noqa: F401
    have_lz4 = True
except ImportError:
    have_lz4 = False
if have_lz4:
    with h5py.File(path("bslz4"), "w") as f:
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_chunk((1, 1, 8, 9))
        # cd_values as the plugin stores them: version, version, element size, block size (elements), 2 = LZ4. Where
        # the plugin is installed (HDF5 finds it on its default path) it fills the first three itself from the user's two.
        user = (0, 2)
        dcpl.set_filter(32008, h5py.h5z.FLAG_OPTIONAL, user if h5py.h5z.filter_avail(32008) else (0, 4, 2) + user)
        space = h5py.h5s.create_simple(bs.shape)
        grp = f.create_group("entry/data")
        dsid = h5py.h5d.create(grp.id, b"data", h5py.h5t.STD_U16LE, space, dcpl=dcpl)
        for r in range(bs.shape[0]):
            for col in range(bs.shape[1]):
                # 72 elements: blocks of 32 -> 32 + 32 + 8, no leftover; frame (0, 0) uses the default block size
                block = 0 if (r, col) == (0, 0) else 32
                chunk = bslz4_chunk(bs[r, col], 8192 // 2 if block == 0 else block)
                dsid.write_direct_chunk((r, col, 0, 0), chunk)
    expected("bslz4", bs)
    try:
        import bitshuffle
        # the library's own encoder agrees with the one above (blocks without the 12-byte header)
        ref = bitshuffle.compress_lz4(np.ascontiguousarray(bs[0, 1]).reshape(-1), 32).tobytes()
        assert ref == bslz4_chunk(bs[0, 1], 32)[12:], "numpy bitshuffle disagrees with the bitshuffle package"
    except ImportError:
        pass

plugin_dir = "/usr/lib/x86_64-linux-gnu/hdf5/serial/plugins"
if os.path.exists(os.path.join(plugin_dir, "libh5bshuf.so")):
    import subprocess
    code = (
        "import h5py, numpy as np, sys\n"
        "bs = np.load(sys.argv[1])\n"
        "with h5py.File(sys.argv[2], 'w') as f:\n"
        "    f.create_dataset('entry/data/data', data=bs.astype('<u2'), chunks=(1, 1, 8, 9), compression=32008, compression_opts=(0, 2))\n"
        "    f.create_dataset('entry/data/odd', data=bs[:, :, :7, :9].astype('<u4'), chunks=(1, 3, 7, 9), compression=32008, compression_opts=(16, 2))\n"
    )
    np.save(os.path.join(out, "bslz4_plugin_source.npy"), bs)
    subprocess.run([sys.executable, "-c", code, os.path.join(out, "bslz4_plugin_source.npy"), path("bslz4_plugin")],
                   check=True, env=dict(os.environ, HDF5_PLUGIN_PATH=plugin_dir))
    expected("bslz4_plugin", bs)
    expected("bslz4_plugin_odd", bs[:, :, :7, :9])
print("ok")
