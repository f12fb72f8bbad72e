#!/usr/bin/env python3
"""Writes one large sample of each uncompressed input format for `perf/FastNmf.Benchmarks -- read` (perf/read/run.sh):
a SCAN x SCAN scan of DET x DET frames of Poisson counts, as .npy (uint16), Merlin .mib (U16, big-endian, 384-byte
headers), EMPAD (.xml + .raw: 130 x 128 float32 frames, two metadata rows) and HDF5 (a contiguous uint16 dataset).
Usage: make_samples.py DIR [SCAN=128]. Needs NumPy and h5py."""
import os
import sys

import h5py
import numpy as np

out = sys.argv[1]
scan = int(sys.argv[2]) if len(sys.argv) > 2 else 128
det = 128
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(1)
block = scan * max(1, 1024 // scan)  # frames written at a time: whole scan rows (the HDF5 dataset is written by rows)
frames = scan * scan


def chunks():
    for start in range(0, frames, block):
        n = min(block, frames - start)
        yield start, rng.poisson(0.6, size=(n, det, det)).astype(np.uint16)


npy = np.lib.format.open_memmap(os.path.join(out, "sample.npy"), mode="w+", dtype="<u2", shape=(scan, scan, det, det))
flat = npy.reshape(frames, det, det)
with open(os.path.join(out, "sample.mib"), "wb") as mib, open(os.path.join(out, "sample.raw"), "wb") as raw, \
        h5py.File(os.path.join(out, "sample.h5"), "w") as h5:
    data = h5.create_dataset("data", shape=(scan, scan, det, det), dtype="<u2")  # contiguous: no chunks, no filter
    for start, counts in chunks():
        n = len(counts)
        flat[start:start + n] = counts
        data[start // scan:(start + n) // scan] = counts.reshape(n // scan, scan, det, det)
        for i in range(n):
            text = (f"MQ1,{start + i + 1:06d},00384,01,{det:04d},{det:04d},U16,   1x1,01,2019-06-14 11:47:14.123456,0.001000,0,0,0,"
                    + ",".join(["1.200000E+1"] * 8) + ",3RX," + ",".join(["175"] * 9) + ",MQ1A,2019-06-14T11:47:14.123456789Z,1000000ns,12,")
            mib.write(text.encode("ascii").ljust(384, b"\0"))
            mib.write(counts[i].astype(">u2").tobytes())
        frame = np.zeros((n, 130, 128), dtype="<f4")
        frame[:, :128, :] = counts
        raw.write(frame.tobytes())
npy.flush()
with open(os.path.join(out, "sample.xml"), "w") as xml:
    xml.write('<?xml version="1.0" encoding="UTF-8"?>\n<root><timestamp isoformat="2020-01-01T12:00:00"/>'
              '<raw_file filename="sample.raw"/><scan_parameters mode="acquire">'
              f"<scan_resolution_x>{scan}</scan_resolution_x><scan_resolution_y>{scan}</scan_resolution_y>"
              "</scan_parameters></root>")
print(f"wrote {out}: sample.npy, sample.mib, sample.xml + sample.raw, sample.h5 ({scan}x{scan} scan, {det}x{det} detector)")
