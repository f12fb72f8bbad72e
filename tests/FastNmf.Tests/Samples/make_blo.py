# Writes hyperspy.blo (a NanoMegas block file written by HyperSpy's blockfile plugin) and hyperspy.npy (the same data
# as HyperSpy reads it back, float32) into the directory given as the first argument. Run with Debian's
# python3-hyperspy 1.7.3:  /usr/bin/python3 tests/FastNmf.Tests/Samples/make_blo.py tests/FastNmf.Tests/Samples
import os
import sys

import numpy as np
import hyperspy.api as hs

out = sys.argv[1]
rng = np.random.default_rng(5)
data = rng.integers(0, 256, size=(3, 4, 16, 16), dtype=np.uint8)
s = hs.signals.Signal2D(data)
s.save(os.path.join(out, "hyperspy.blo"), overwrite=True)
back = hs.load(os.path.join(out, "hyperspy.blo"))
np.save(os.path.join(out, "hyperspy.npy"), np.asarray(back.data, dtype="<f4"))
