/* The per-glyph facts of a pdfium text page in one call (chiso/extract/pdf_words.py).
 *
 * Reading a page's glyphs costs three pdfium calls per glyph (its loose box, its origin and its
 * text object); made from Python through ctypes each call costs about half a microsecond of
 * argument handling, which is most of chiso's reading time. This loop makes the same three calls
 * from C and returns the answers as one bytes object of fixed-size records (the layout of
 * `pdf_words._RECORD`), which numpy reads without a copy.
 *
 * It links against nothing: the caller passes the addresses of pypdfium2's own pdfium functions
 * (and of the text page), so the library that opened the page is the one that reads it.
 * A glyph's font size, weight and font are facts of its text object: they are asked again only
 * where the text object changes from the previous glyph's (or where a glyph has none).
 * Signatures: pdfium's public/fpdf_text.h (FPDFText_GetLooseCharBox, FPDFText_GetCharOrigin,
 * FPDFText_GetTextObject, FPDFText_GetFontSize, FPDFText_GetFontWeight) and public/fpdf_edit.h
 * (FPDFTextObj_GetFont); FS_RECTF is {float left, top, right, bottom} (public/fpdfview.h).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

typedef struct { float left, top, right, bottom; } rectf;
typedef int (*loose_box_fn)(void *, int, rectf *);
typedef int (*char_origin_fn)(void *, int, double *, double *);
typedef void *(*text_object_fn)(void *, int);
typedef double (*font_size_fn)(void *, int);
typedef int (*font_weight_fn)(void *, int);
typedef void *(*object_font_fn)(void *);

typedef struct {          /* one glyph: 64 bytes, naturally aligned */
    rectf box;            /* loose box (font ascent/descent), PDF user space */
    double ox, oy;        /* origin: the glyph's point on its baseline */
    uint64_t object;      /* its text object (0 where pdfium gives none) */
    double size;          /* its text object's font size (FPDFText_GetFontSize) */
    int32_t weight;       /* its font's weight (FPDFText_GetFontWeight: 400 regular, 700 bold) */
    int32_t unused;
    uint64_t font;        /* its font (FPDFTextObj_GetFont; 0 without a text object) */
} record;

static PyObject *char_records(PyObject *self, PyObject *args) {
    unsigned long long page, loose, origin, object, size, weight, font;
    int n;
    if (!PyArg_ParseTuple(args, "KiKKKKKK", &page, &n, &loose, &origin, &object, &size, &weight, &font))
        return NULL;
    if (n < 0 || !page || !loose || !origin || !object || !size || !weight || !font) {
        PyErr_SetString(PyExc_ValueError, "char_records: a null handle or a negative count");
        return NULL;
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n * (Py_ssize_t)sizeof(record));
    if (!out)
        return NULL;
    record *rec = (record *)PyBytes_AS_STRING(out);
    loose_box_fn get_box = (loose_box_fn)(uintptr_t)loose;
    char_origin_fn get_origin = (char_origin_fn)(uintptr_t)origin;
    text_object_fn get_object = (text_object_fn)(uintptr_t)object;
    font_size_fn get_size = (font_size_fn)(uintptr_t)size;
    font_weight_fn get_weight = (font_weight_fn)(uintptr_t)weight;
    object_font_fn get_font = (object_font_fn)(uintptr_t)font;
    void *tp = (void *)(uintptr_t)page;
    Py_BEGIN_ALLOW_THREADS
    for (int i = 0; i < n; i++) {
        record *r = &rec[i];
        r->box.left = r->box.top = r->box.right = r->box.bottom = 0.0f;
        r->ox = r->oy = 0.0;
        get_box(tp, i, &r->box);
        get_origin(tp, i, &r->ox, &r->oy);
        void *obj = get_object(tp, i);
        r->object = (uint64_t)(uintptr_t)obj;
        r->unused = 0;
        if (i > 0 && obj && r->object == rec[i - 1].object) {  /* the same text object: the same font facts */
            r->size = rec[i - 1].size;
            r->weight = rec[i - 1].weight;
            r->font = rec[i - 1].font;
        } else {
            r->size = get_size(tp, i);
            r->weight = get_weight(tp, i);
            r->font = obj ? (uint64_t)(uintptr_t)get_font(obj) : 0;
        }
    }
    Py_END_ALLOW_THREADS
    return out;
}

static PyMethodDef methods[] = {
    {"char_records", char_records, METH_VARARGS,
     "char_records(text_page, n, loose_box, char_origin, text_object, font_size, font_weight, object_font) -> "
     "bytes: n 64-byte records (float left, top, right, bottom; double origin x, y; uint64 text object; "
     "double font size; int32 weight, int32 0; uint64 font) for chars 0..n-1."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pdfchars",
                                    "Per-glyph pdfium facts in one call (see pdf_words.py).", -1, methods};

PyMODINIT_FUNC PyInit__pdfchars(void) { return PyModule_Create(&module); }
