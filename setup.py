"""Build the optional compiled MRT walker; everything else is in pyproject.toml.

``optional=True``: without a C compiler the install still succeeds and the numba reference
walker runs instead (see src/crossroads/sources/mrt/_backends.py).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "crossroads.sources.mrt._cwalk",
            ["src/crossroads/sources/mrt/_cwalk.c"],
            depends=["src/crossroads/sources/mrt/_cwalk_attrs.h",
                     "src/crossroads/sources/mrt/_cwalk_records.h"],
            extra_compile_args=["-O3", "-std=c99"],
            optional=True,
        )
    ]
)
