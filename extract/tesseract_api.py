"""Tesseract through its C API (libtesseract, loaded with ctypes), one engine per process.

The `tesseract` command loads the French model again for every call: about 0.1 s of CPU,
and a scanned page takes three calls (the page, the strip of doubtful cells, the numbers
split at their spaces). Here each worker process loads the model once and keeps it; the
recognition is the same code with the same settings, so the words, boxes and confidences
are the ones the command prints (TSV, checked by the tests). When the library cannot be
loaded the caller falls back to the command.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
from typing import Any

# Settings of every recognition, here and for the command (`ocr._tesseract_command`). The
# pages reach Tesseract with their table rules erased and their tables read by pgt: its own
# table finding takes a quarter of a page's recognition time for nothing: off, 99.5 % of
# the cells of 56 scanned pages read the same, the rest mostly better.
VARIABLES = {"textord_tabfind_find_tables": "0"}
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
_LIBRARY_NAMES = ("libtesseract.so.5", "libtesseract.so")

_library: Any = None
_engines: dict[str, Any] = {}
_unavailable = False


def _load() -> Any:
    global _library, _unavailable
    if _library is not None or _unavailable:
        return _library
    # One OpenMP thread per engine, as for the command: parallelism comes from --jobs.
    # (libgomp reads the variable when the library is loaded.)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    names = [*_LIBRARY_NAMES, ctypes.util.find_library("tesseract")]
    for name in filter(None, names):
        try:
            library = ctypes.CDLL(name)
            break
        except OSError:
            continue
    else:
        _unavailable = True
        return None
    handle, text, string = ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p
    library.TessBaseAPICreate.restype = handle
    library.TessBaseAPIInit3.argtypes = [handle, string, string]
    library.TessBaseAPIInit3.restype = ctypes.c_int
    library.TessBaseAPISetVariable.argtypes = [handle, string, string]
    library.TessBaseAPISetVariable.restype = ctypes.c_int
    library.TessBaseAPISetPageSegMode.argtypes = [handle, ctypes.c_int]
    library.TessBaseAPISetImage.argtypes = [handle, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                            ctypes.c_int]
    library.TessBaseAPISetSourceResolution.argtypes = [handle, ctypes.c_int]
    library.TessBaseAPIRecognize.argtypes = [handle, ctypes.c_void_p]
    library.TessBaseAPIRecognize.restype = ctypes.c_int
    library.TessBaseAPIGetTsvText.argtypes = [handle, ctypes.c_int]
    library.TessBaseAPIGetTsvText.restype = text
    library.TessDeleteText.argtypes = [text]
    library.TessBaseAPIClear.argtypes = [handle]
    library.TessBaseAPIEnd.argtypes = [handle]
    library.TessBaseAPIDelete.argtypes = [handle]
    _library = library
    atexit.register(_close)
    return library


def _close() -> None:
    """Free the engines at exit (else libtesseract's object cache reports them on stderr)."""
    while _engines:
        _, engine = _engines.popitem()
        _library.TessBaseAPIEnd(engine)
        _library.TessBaseAPIDelete(engine)


def _engine(language: str) -> Any:
    library = _load()
    if library is None:
        return None
    if language not in _engines:
        engine = library.TessBaseAPICreate()
        if not engine or library.TessBaseAPIInit3(engine, None, language.encode()) != 0:
            return None
        for name, value in VARIABLES.items():
            library.TessBaseAPISetVariable(engine, name.encode(), value.encode())
        _engines[language] = engine
    return _engines[language]


def available(language: str) -> bool:
    return _engine(language) is not None


def tsv(gray, dpi: int, language: str, psm: int) -> str | None:
    """The TSV the `tesseract IMAGE stdout -l LANGUAGE --dpi DPI --psm PSM tsv` command
    prints for the grayscale bitmap `gray` (a 2-D uint8 numpy array), or None when the
    library is not there."""
    import numpy as np

    engine = _engine(language)
    if engine is None:
        return None
    library = _library
    image = np.ascontiguousarray(gray, dtype=np.uint8)
    height, width = image.shape
    library.TessBaseAPISetPageSegMode(engine, psm)
    library.TessBaseAPISetVariable(engine, b"user_defined_dpi", str(dpi).encode())
    library.TessBaseAPISetImage(engine, image.ctypes.data, width, height, 1, image.strides[0])
    library.TessBaseAPISetSourceResolution(engine, dpi)
    try:
        if library.TessBaseAPIRecognize(engine, None) != 0:
            return None
        pointer = library.TessBaseAPIGetTsvText(engine, 0)
        if not pointer:
            return TSV_HEADER
        try:
            return TSV_HEADER + ctypes.string_at(pointer).decode("utf-8")
        finally:
            library.TessDeleteText(pointer)
    finally:
        library.TessBaseAPIClear(engine)
