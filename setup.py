"""The one compiled part of chiso: a loop over a PDF page's glyphs (chiso/extract/_pdfchars.c).

Everything else is in pyproject.toml. The extension is optional: where no C compiler is found
the install goes on and chiso reads glyphs through ctypes instead (the same records, slower;
`chiso.extract.pdf_words.FAST_GLYPHS` says which path is in use).
"""

from setuptools import Extension, setup

# -ffp-contract=off: no fused multiply-add, so a rule's coordinates are the doubles Python computes
setup(ext_modules=[Extension("chiso.extract._pdfchars", ["chiso/extract/_pdfchars.c"], optional=True,
                             extra_compile_args=["-ffp-contract=off"])])
