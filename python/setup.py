"""Copies libfastnmf.so (the CMake build's, or the one FASTNMF_LIBRARY names) into the package when it is built."""
import os
import shutil
import warnings

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


def _library():
    named = os.environ.get("FASTNMF_LIBRARY")
    if named:
        if not os.path.isfile(named):
            raise SystemExit(f"FASTNMF_LIBRARY={named}: no such file")
        return named
    built = os.path.join(HERE, "..", "build", "native", "publish", "libfastnmf.so")
    return built if os.path.isfile(built) else None


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        library = _library()
        if library is None:
            warnings.warn(
                "libfastnmf.so not found (build it first: cmake -S . -B build && cmake --build build, or set "
                "FASTNMF_LIBRARY); the installed package will need FASTNMF_LIBRARY at run time.")
            return
        target = os.path.join(self.build_lib, "fastnmf", "libfastnmf.so")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(library, target)


setup(cmdclass={"build_py": BuildWithLibrary})
