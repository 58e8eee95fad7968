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
#include <math.h>
#include <stdint.h>
#include <string.h>

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

typedef struct {
    loose_box_fn get_box;
    char_origin_fn get_origin;
    text_object_fn get_object;
    font_size_fn get_size;
    font_weight_fn get_weight;
    object_font_fn get_font;
} pdfium_fns;

static int fns_from(pdfium_fns *f, unsigned long long loose, unsigned long long origin, unsigned long long object,
                    unsigned long long size, unsigned long long weight, unsigned long long font) {
    if (!loose || !origin || !object || !size || !weight || !font) {
        PyErr_SetString(PyExc_ValueError, "_pdfchars: a null pdfium function");
        return -1;
    }
    f->get_box = (loose_box_fn)(uintptr_t)loose;
    f->get_origin = (char_origin_fn)(uintptr_t)origin;
    f->get_object = (text_object_fn)(uintptr_t)object;
    f->get_size = (font_size_fn)(uintptr_t)size;
    f->get_weight = (font_weight_fn)(uintptr_t)weight;
    f->get_font = (object_font_fn)(uintptr_t)font;
    return 0;
}

/* The records of chars 0..n-1 (the font facts asked again only where the text object changes). */
static void fill_records(void *tp, int n, const pdfium_fns *f, record *rec) {
    for (int i = 0; i < n; i++) {
        record *r = &rec[i];
        r->box.left = r->box.top = r->box.right = r->box.bottom = 0.0f;
        r->ox = r->oy = 0.0;
        f->get_box(tp, i, &r->box);
        f->get_origin(tp, i, &r->ox, &r->oy);
        void *obj = f->get_object(tp, i);
        r->object = (uint64_t)(uintptr_t)obj;
        r->unused = 0;
        if (i > 0 && obj && r->object == rec[i - 1].object) {  /* the same text object: the same font facts */
            r->size = rec[i - 1].size;
            r->weight = rec[i - 1].weight;
            r->font = rec[i - 1].font;
        } else {
            r->size = f->get_size(tp, i);
            r->weight = f->get_weight(tp, i);
            r->font = obj ? (uint64_t)(uintptr_t)f->get_font(obj) : 0;
        }
    }
}

static PyObject *char_records(PyObject *self, PyObject *args) {
    unsigned long long page, loose, origin, object, size, weight, font;
    int n;
    pdfium_fns f;
    if (!PyArg_ParseTuple(args, "KiKKKKKK", &page, &n, &loose, &origin, &object, &size, &weight, &font))
        return NULL;
    if (fns_from(&f, loose, origin, object, size, weight, font) < 0)
        return NULL;
    if (n < 0 || !page) {
        PyErr_SetString(PyExc_ValueError, "char_records: a null handle or a negative count");
        return NULL;
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n * (Py_ssize_t)sizeof(record));
    if (!out)
        return NULL;
    record *rec = (record *)PyBytes_AS_STRING(out);
    void *tp = (void *)(uintptr_t)page;
    Py_BEGIN_ALLOW_THREADS
    fill_records(tp, n, &f, rec);
    Py_END_ALLOW_THREADS
    return out;
}

/* ── Words: the same cuts as pdf_words.py's numpy path (`_Glyphs`), made here over the records ──
 * A page of ~2,400 glyphs gives ~470 words; cutting them with numpy and making their dicts in
 * Python cost ~1 ms a page, the dicts made here ~0.1 ms. The numpy path stays as the fallback and
 * as the definition: tests/test_pdf_words.py checks that both give the same words on real PDFs. */

typedef unsigned long (*font_info_fn)(void *, int, void *, unsigned long, int *);

typedef struct {
    double left, right, top, bottom, base, size;
    Py_ssize_t index;   /* char index on the page */
    int brk;            /* a break (space, line break, gap) before the glyph */
    int bold;
    Py_ssize_t font;    /* index into the page's font names */
} glyph;

static PyObject *KEY_TEXT, *KEY_X0, *KEY_X1, *KEY_TOP, *KEY_BOTTOM, *KEY_SIZE, *KEY_BASELINE, *KEY_BOLD, *KEY_FONT;
static PyObject *ROUND;  /* builtins.round: sizes rounded exactly as Python rounds them */

static int is_break_code(Py_UCS4 c) {
    return c == 32 || c == 9 || c == 10 || c == 13 || c == 0xA0 || c == 0xFFFE || c == 0xFFFF || c == 0;
}

/* round(x, 1) as Python computes it (correctly rounded); -1 with an exception set on failure. */
static int round1(double x, double *out) {
    PyObject *r = PyObject_CallFunction(ROUND, "di", x, 1);
    if (!r)
        return -1;
    *out = PyFloat_AsDouble(r);
    Py_DECREF(r);
    return PyErr_Occurred() ? -1 : 0;
}

/* The PDF name of char i's font (pdf_words._font_name): a new reference, NULL on error. */
static PyObject *font_name(void *tp, int i, font_info_fn info) {
    char small[128];
    unsigned long need = info(tp, i, small, sizeof small, NULL);
    if (need <= sizeof small)
        return PyUnicode_DecodeUTF8(small, need > 0 ? (Py_ssize_t)need - 1 : 0, "replace");
    char *big = PyMem_Malloc(need);
    if (!big)
        return PyErr_NoMemory();
    unsigned long got = info(tp, i, big, need, NULL);
    PyObject *name = PyUnicode_DecodeUTF8(big, got > 0 ? (Py_ssize_t)(got < need ? got : need) - 1 : 0, "replace");
    PyMem_Free(big);
    return name;
}

/* a < b for an ascending sort with NaN last (numpy's order) */
static int less_nan_last(double a, double b) {
    if (isnan(a))
        return 0;
    if (isnan(b))
        return 1;
    return a < b;
}

/* stable merge sort of idx[0..n) by key[idx], NaN last (numpy's argsort kind="stable") */
static void sort_by(Py_ssize_t *idx, Py_ssize_t *tmp, Py_ssize_t n, const double *key) {
    for (Py_ssize_t width = 1; width < n; width *= 2) {
        for (Py_ssize_t lo = 0; lo < n; lo += 2 * width) {
            Py_ssize_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            Py_ssize_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi)
                tmp[k++] = less_nan_last(key[idx[b]], key[idx[a]]) ? idx[b++] : idx[a++];
            while (a < mid)
                tmp[k++] = idx[a++];
            while (b < hi)
                tmp[k++] = idx[b++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof *idx);
    }
}

static double min_nan(double m, double v) { return isnan(m) ? m : (isnan(v) || v < m ? v : m); }
static double max_nan(double m, double v) { return isnan(m) ? m : (isnan(v) || v > m ? v : m); }

/* Glyphs in visual order (pdf_words._Glyphs.in_visual_order): lines by baseline, glyphs by x,
 * a break before each glyph after a gap. Writes the order into `order` and the breaks into g. */
static int visual_order(glyph *g, Py_ssize_t n, Py_ssize_t *order, int *brk) {
    Py_ssize_t *tmp = PyMem_Malloc((size_t)n * sizeof *tmp);
    double *key = PyMem_Malloc((size_t)n * sizeof *key);
    if (!tmp || !key) {
        PyMem_Free(tmp);
        PyMem_Free(key);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        order[k] = k;
        key[k] = -g[k].base;
    }
    sort_by(order, tmp, n, key);
    for (Py_ssize_t k = 0; k < n; k++)
        key[k] = g[k].left;
    Py_ssize_t start = 0;
    while (start < n) {  /* a line: from its first glyph to the first one off its baseline */
        double y = g[order[start]].base;
        Py_ssize_t end = start + 1;
        while (end < n && !(fabs(y - g[order[end]].base) > 0.3 * g[order[end]].size))
            end++;
        sort_by(order + start, tmp, end - start, key);
        brk[start] = 1;
        for (Py_ssize_t k = start + 1; k < end; k++)
            brk[k] = g[order[k]].left - g[order[k - 1]].right > 0.15 * g[order[k]].size;
        start = end;
    }
    PyMem_Free(tmp);
    PyMem_Free(key);
    return 0;
}

/* The float of a value, the previous word's object where the bits are the same: the words of a
 * line share their size, baseline, top and bottom, and floats are immutable (one allocation
 * instead of one per word). A new reference. */
typedef struct {
    double value;
    PyObject *obj;
} float_cache;

static PyObject *cached_float(float_cache *c, double v) {
    if (!c->obj || memcmp(&c->value, &v, sizeof v) != 0) {
        PyObject *f = PyFloat_FromDouble(v);
        if (!f)
            return NULL;
        Py_XSETREF(c->obj, f);
        c->value = v;
    }
    Py_INCREF(c->obj);
    return c->obj;
}

static PyObject *word_dict(PyObject *text, double x0, double x1, double top, double bottom, const glyph *first,
                           double height, PyObject *font, float_cache *shared) {
#if PY_VERSION_HEX < 0x030D0000
    PyObject *d = _PyDict_NewPresized(9);
#else
    PyObject *d = PyDict_New();
#endif
    if (!d)
        return NULL;
    PyObject *vals[7] = {PyFloat_FromDouble(x0), PyFloat_FromDouble(x1), cached_float(&shared[0], height - top),
                         cached_float(&shared[1], height - bottom), cached_float(&shared[2], first->size),
                         cached_float(&shared[3], height - first->base), PyBool_FromLong(first->bold)};
    PyObject *keys[7] = {KEY_X0, KEY_X1, KEY_TOP, KEY_BOTTOM, KEY_SIZE, KEY_BASELINE, KEY_BOLD};
    int bad = PyDict_SetItem(d, KEY_TEXT, text) < 0;
    for (int k = 0; k < 7; k++) {
        bad = bad || !vals[k] || PyDict_SetItem(d, keys[k], vals[k]) < 0;
        Py_XDECREF(vals[k]);
    }
    if (bad || PyDict_SetItem(d, KEY_FONT, font) < 0) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

/* The words of glyphs g[order[0..n)] with breaks brk (pdf_words._Glyphs.words). */
static PyObject *cut_words(const glyph *g, const Py_ssize_t *order, const int *brk, Py_ssize_t n, int stored,
                           PyObject *page_text, double height, PyObject *names) {
    PyObject *out = PyList_New(0);
    float_cache shared[4] = {{0.0, NULL}, {0.0, NULL}, {0.0, NULL}, {0.0, NULL}};  /* top, bottom, size, baseline */
    Py_UCS4 *buf = stored ? NULL : PyMem_Malloc((size_t)n * sizeof *buf);
    if (!out || (!stored && !buf))
        goto fail;
    Py_ssize_t s = 0;
    while (s < n) {
        const glyph *a = &g[order[s]];
        double x0 = a->left, x1 = a->right, top = a->top, bottom = a->bottom;
        Py_ssize_t e = s + 1;
        for (; e < n; e++) {
            const glyph *p = &g[order[e - 1]], *c = &g[order[e]];
            if (brk[e] || fabs(c->size - p->size) > 0.6 || c->left - p->right > 0.25 * c->size
                || (fabs(c->bottom - p->bottom) > 0.6 * c->size && c->left < p->left) || c->bold != p->bold)
                break;
            x0 = min_nan(x0, c->left);
            x1 = max_nan(x1, c->right);
            top = max_nan(top, c->top);
            bottom = min_nan(bottom, c->bottom);
        }
        PyObject *text;
        if (stored) {
            text = PyUnicode_Substring(page_text, a->index, g[order[e - 1]].index + 1);
        } else {
            int kind = PyUnicode_KIND(page_text);
            const void *data = PyUnicode_DATA(page_text);
            for (Py_ssize_t k = s; k < e; k++)
                buf[k - s] = PyUnicode_READ(kind, data, g[order[k]].index);
            text = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, e - s);
        }
        if (!text)
            goto fail;
        PyObject *d = word_dict(text, x0, x1, top, bottom, a, height, PyList_GET_ITEM(names, a->font), shared);
        Py_DECREF(text);
        if (!d || PyList_Append(out, d) < 0) {
            Py_XDECREF(d);
            goto fail;
        }
        Py_DECREF(d);
        s = e;
    }
    PyMem_Free(buf);
    for (int k = 0; k < 4; k++)
        Py_XDECREF(shared[k].obj);
    return out;
fail:
    PyMem_Free(buf);
    for (int k = 0; k < 4; k++)
        Py_XDECREF(shared[k].obj);
    Py_XDECREF(out);
    return NULL;
}

/* The printed glyphs (breaks left out) with their sizes and fonts (pdf_words._page_glyphs, _glyph_styles). */
static Py_ssize_t make_glyphs(void *tp, const record *rec, int n, PyObject *page_text, font_info_fn info,
                              glyph *g, PyObject *names) {
    int kind = PyUnicode_KIND(page_text);
    const void *data = PyUnicode_DATA(page_text);
    uint64_t *font_keys = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof *font_keys);
    Py_ssize_t *font_at = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof *font_at);
    Py_ssize_t fonts = 0, m = 0;
    double last_raw = NAN, last_size = 0.0;
    if (!font_keys || !font_at) {
        PyErr_NoMemory();
        goto fail;
    }
    for (int i = 0; i < n; i++) {
        if (is_break_code(PyUnicode_READ(kind, data, i)))
            continue;
        const record *r = &rec[i];
        glyph *x = &g[m++];
        x->left = r->box.left;
        x->right = r->box.right;
        x->top = r->box.top;
        x->bottom = r->box.bottom;
        x->base = r->oy;
        x->index = i;
        x->brk = i > 0 && is_break_code(PyUnicode_READ(kind, data, i - 1));
        x->bold = r->weight >= 600;
        if (!(r->size == last_raw)) {  /* the size of a text object, rounded once per run of it */
            if (round1(r->size, &last_size) < 0)
                goto fail;
            last_raw = r->size;
        }
        x->size = last_size;
        if (x->size <= 1.0 && round1((double)r->box.top - (double)r->box.bottom, &x->size) < 0)
            goto fail;  /* text scaled by its matrix: the box's height */
        Py_ssize_t f = -1;
        if (r->font) {
            for (Py_ssize_t k = fonts - 1; k >= 0; k--)
                if (font_keys[k] == r->font) {
                    f = font_at[k];
                    break;
                }
        }
        if (f < 0) {  /* a font seen first here (or a glyph without one: asked for itself) */
            PyObject *name = font_name(tp, i, info);
            if (!name || PyList_Append(names, name) < 0) {
                Py_XDECREF(name);
                goto fail;
            }
            Py_DECREF(name);
            f = PyList_GET_SIZE(names) - 1;
            if (r->font) {
                font_keys[fonts] = r->font;
                font_at[fonts++] = f;
            }
        }
        x->font = f;
    }
    PyMem_Free(font_keys);
    PyMem_Free(font_at);
    return m;
fail:
    PyMem_Free(font_keys);
    PyMem_Free(font_at);
    return -1;
}

static PyObject *page_words(PyObject *self, PyObject *args) {
    unsigned long long page, loose, origin, object, size, weight, font, info;
    int n;
    PyObject *page_text;
    double height;
    pdfium_fns f;
    if (!PyArg_ParseTuple(args, "KiUdKKKKKKK", &page, &n, &page_text, &height, &loose, &origin, &object, &size,
                          &weight, &font, &info))
        return NULL;
    if (fns_from(&f, loose, origin, object, size, weight, font) < 0)
        return NULL;
    if (n < 0 || !page || !info || PyUnicode_GET_LENGTH(page_text) != n) {
        PyErr_SetString(PyExc_ValueError, "page_words: a null handle, a negative count or a text of another length");
        return NULL;
    }
    void *tp = (void *)(uintptr_t)page;
    size_t cap = (size_t)(n > 0 ? n : 1);
    record *rec = PyMem_Malloc(cap * sizeof *rec);
    glyph *g = PyMem_Malloc(cap * sizeof *g);
    Py_ssize_t *order = PyMem_Malloc(cap * sizeof *order);
    int *brk = PyMem_Malloc(cap * sizeof *brk);
    PyObject *names = PyList_New(0), *out = NULL;
    if (!rec || !g || !order || !brk || !names) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    fill_records(tp, n, &f, rec);
    Py_END_ALLOW_THREADS
    Py_ssize_t m = make_glyphs(tp, rec, n, page_text, (font_info_fn)(uintptr_t)info, g, names);
    if (m < 0)
        goto done;
    int stored = 1;  /* no glyph starts well left of the previous one on the same baseline */
    for (Py_ssize_t k = 1; k < m && stored; k++)
        if (fabs(g[k].base - g[k - 1].base) < 0.3 * g[k].size && g[k].left < g[k - 1].left - 0.5 * g[k].size)
            stored = 0;
    if (stored) {
        for (Py_ssize_t k = 0; k < m; k++) {
            order[k] = k;
            brk[k] = g[k].brk;
        }
    } else if (visual_order(g, m, order, brk) < 0) {
        goto done;
    }
    out = cut_words(g, order, brk, m, stored, page_text, height, names);
done:
    PyMem_Free(rec);
    PyMem_Free(g);
    PyMem_Free(order);
    PyMem_Free(brk);
    Py_XDECREF(names);
    return out;
}

/* ── Lines: pdf_words.group_lines and join_words, the same steps over the word dicts ──
 * Called for every page and every table cell with more than one word; in Python they cost about
 * half a millisecond a page. Words whose positions are not finite numbers get None back: the
 * Python definitions then decide (and raise where they raise). */

typedef struct {
    double key, x0, base, size;
    Py_ssize_t k;
} line_word;

/* A word dict's value for a key (borrowed): 1 found; 0 not a dict or no such key (the Python
 * definition then decides); -1 an error. Every reader of word dicts below asks through here. */
static int word_value(PyObject *w, PyObject *key, PyObject **out) {
    if (!PyDict_Check(w))
        return 0;
    *out = PyDict_GetItemWithError(w, key);
    if (*out)
        return 1;
    return PyErr_Occurred() ? -1 : 0;
}

/* A word's real number (a float, or an int a double holds exactly, as OCR gives) as a double, and
 * the object itself: 1 found; 0 missing or another type (Python decides); -1 an error. */
static int word_number(PyObject *w, PyObject *key, double *out, PyObject **obj) {
    PyObject *v;
    int found = word_value(w, key, &v);
    if (found <= 0)
        return found;
    if (PyFloat_Check(v)) {
        *out = PyFloat_AS_DOUBLE(v);
    } else if (PyLong_Check(v) && !PyBool_Check(v)) {
        *out = PyLong_AsDouble(v);
        if (*out == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            return 0;
        }
        if (fabs(*out) > 9007199254740992.0)
            return 0;  /* an int a double cannot hold: Python compares it exactly */
    } else {
        return 0;
    }
    if (obj)
        *obj = v;
    return 1;
}

/* a float of a word dict; 0 where the key is missing or not a real number (-1 an error) */
static int word_float(PyObject *w, PyObject *key, double *out) {
    return word_number(w, key, out, NULL);
}

static int by_key_x0_k(const void *pa, const void *pb) {
    const line_word *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->x0 != b->x0)
        return a->x0 < b->x0 ? -1 : 1;
    return a->k < b->k ? -1 : (a->k > b->k);
}

static int by_x0_stable(const void *pa, const void *pb) {
    const line_word *a = pa, *b = pb;
    if (a->x0 != b->x0)
        return a->x0 < b->x0 ? -1 : 1;
    return a->k < b->k ? -1 : (a->k > b->k);
}

static PyObject *group_lines(PyObject *self, PyObject *arg) {
    PyObject *seq = PySequence_Fast(arg, "group_lines: a list of words");
    if (!seq)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    line_word *lw = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof *lw);
    Py_ssize_t *first = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof *first);  /* each line's first word */
    Py_ssize_t *line_of = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof *line_of);
    PyObject *rows = NULL;
    double largest = 0.0;
    int any_size = 0;
    if (!lw || !first || !line_of) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        line_word *x = &lw[k];
        if (word_float(items[k], KEY_BASELINE, &x->base) != 1 || word_float(items[k], KEY_X0, &x->x0) != 1
            || word_float(items[k], KEY_SIZE, &x->size) != 1 || !isfinite(x->base) || !isfinite(x->x0)
            || fabs(x->base) > 1e15) {
            if (PyErr_Occurred())
                goto done;
            rows = Py_None;  /* not plain finite numbers: the Python definition decides */
            Py_INCREF(rows);
            goto done;
        }
        x->key = rint(x->base);  /* Python's round(): ties to even */
        x->k = k;
        if (x->size == x->size && (!any_size || x->size > largest)) {
            largest = x->size;
            any_size = 1;
        }
    }
    if (n < 2) {
        rows = PyList_New(0);
        if (rows && n == 1) {
            PyObject *row = PyList_New(1);
            if (!row || PyList_Append(rows, row) < 0) {
                Py_XDECREF(row);
                Py_CLEAR(rows);
                goto done;
            }
            Py_INCREF(items[0]);
            PyList_SET_ITEM(row, 0, items[0]);
            Py_DECREF(row);
        }
        goto done;
    }
    double r = 0.45 * largest;
    double reach = (double)(long long)(r < 1e9 ? r : 1e9) + 2;
    qsort(lw, (size_t)n, sizeof *lw, by_key_x0_k);
    Py_ssize_t lines = 0;
    for (Py_ssize_t t = 0; t < n; t++) {
        const line_word *w = &lw[t];
        double lowest = w->key - reach, last = w->key + reach;
        Py_ssize_t lo = 0, hi = lines;  /* bisect_left over the lines' keys (non-decreasing) */
        while (lo < hi) {
            Py_ssize_t mid = (lo + hi) / 2;
            if (lw[first[mid]].key < lowest)
                lo = mid + 1;
            else
                hi = mid;
        }
        Py_ssize_t j = lo;
        for (; j < lines && lw[first[j]].key <= last; j++) {
            const line_word *ref = &lw[first[j]];
            if (fabs(w->base - ref->base) <= 0.45 * (ref->size > w->size ? ref->size : w->size))
                break;
        }
        if (j < lines && lw[first[j]].key <= last) {
            line_of[t] = j;
        } else {
            first[lines] = t;
            line_of[t] = lines++;
        }
    }
    /* each line's words by x0 (stable: in the order they joined it, which is by key, x0, index) */
    Py_ssize_t *count = PyMem_Calloc((size_t)lines + 1, sizeof *count);
    line_word *sorted = PyMem_Malloc((size_t)n * sizeof *sorted);
    if (!count || !sorted) {
        PyMem_Free(count);
        PyMem_Free(sorted);
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t t = 0; t < n; t++)
        count[line_of[t] + 1]++;
    for (Py_ssize_t j = 0; j < lines; j++)
        count[j + 1] += count[j];
    for (Py_ssize_t t = 0; t < n; t++) {  /* joined order: the index of the joining step, for stability */
        line_word x = lw[t];
        x.k = t;
        sorted[count[line_of[t]]++] = x;
    }
    rows = PyList_New(lines);
    Py_ssize_t start = 0;
    for (Py_ssize_t j = 0; rows && j < lines; j++) {
        Py_ssize_t end = count[j];
        qsort(sorted + start, (size_t)(end - start), sizeof *sorted, by_x0_stable);
        PyObject *row = PyList_New(end - start);
        if (!row) {
            Py_CLEAR(rows);
            break;
        }
        for (Py_ssize_t t = start; t < end; t++) {
            PyObject *w = items[lw[sorted[t].k].k];
            Py_INCREF(w);
            PyList_SET_ITEM(row, t - start, w);
        }
        PyList_SET_ITEM(rows, j, row);
        start = end;
    }
    PyMem_Free(count);
    PyMem_Free(sorted);
done:
    PyMem_Free(lw);
    PyMem_Free(first);
    PyMem_Free(line_of);
    Py_DECREF(seq);
    return rows;
}

static PyObject *join_words(PyObject *self, PyObject *arg) {
    PyObject *seq = PySequence_Fast(arg, "join_words: a list of words");
    if (!seq)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    PyObject *parts = PyList_New(0), *out = NULL;
    double prev_x1 = 0.0;
    if (!parts)
        goto done;
    for (Py_ssize_t k = 0; k < n; k++) {
        double x0, x1;
        PyObject *text = NULL;
        if (word_value(items[k], KEY_TEXT, &text) != 1 || !PyUnicode_Check(text)
            || word_float(items[k], KEY_X0, &x0) != 1 || word_float(items[k], KEY_X1, &x1) != 1) {
            if (!PyErr_Occurred()) {
                out = Py_None;
                Py_INCREF(out);
            }
            goto done;
        }
        if (k > 0 && x0 - prev_x1 > 0.8) {
            PyObject *space = PyUnicode_FromOrdinal(' ');
            int bad = !space || PyList_Append(parts, space) < 0;
            Py_XDECREF(space);
            if (bad)
                goto done;
        }
        if (PyList_Append(parts, text) < 0)
            goto done;
        prev_x1 = x1;
    }
    PyObject *empty = PyUnicode_FromStringAndSize("", 0);
    if (empty) {
        out = PyUnicode_Join(empty, parts);
        Py_DECREF(empty);
    }
done:
    Py_XDECREF(parts);
    Py_DECREF(seq);
    return out;
}

/* pdf_words.words_box: (min x0, min top, max x1, max bottom) of word dicts, each the word's own
 * object (an OCR word's int stays an int), chosen as Python's min() and max() choose: the first,
 * then one strictly smaller (larger). None where a word is not a dict of real numbers. */
static PyObject *words_box(PyObject *self, PyObject *arg) {
    PyObject *seq = PySequence_Fast(arg, "words_box: a list of words");
    if (!seq)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    PyObject *keys[4] = {KEY_X0, KEY_TOP, KEY_X1, KEY_BOTTOM};
    PyObject *best[4] = {NULL, NULL, NULL, NULL};
    double val[4] = {0, 0, 0, 0};
    PyObject *out = NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        for (int j = 0; j < 4; j++) {
            PyObject *v;
            double d;
            int found = word_number(items[k], keys[j], &d, &v);
            if (found < 0)
                goto done;
            if (found == 0)
                goto none;
            if (k == 0 || (j < 2 ? d < val[j] : d > val[j])) {
                val[j] = d;
                best[j] = v;
            }
        }
    }
    if (n == 0)
        goto none;
    out = PyTuple_Pack(4, best[0], best[1], best[2], best[3]);
    goto done;
none:
    out = Py_None;
    Py_INCREF(out);
done:
    Py_DECREF(seq);
    return out;
}

/* pdf_words.main_size's common case: every word of the line in one size (compared as Python's
 * != compares floats) gives round(size, 1), Python's round of the word's own object. None for a
 * line of several sizes (the Python definition weighs them) or words that are not dicts. */
static PyObject *uniform_size(PyObject *self, PyObject *arg) {
    PyObject *seq = PySequence_Fast(arg, "uniform_size: a list of words");
    if (!seq)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    PyObject *out = NULL, *first = NULL;
    double value = 0.0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *v;
        int found = word_value(items[k], KEY_SIZE, &v);
        if (found < 0)
            goto done;
        if (found == 0 || !PyFloat_CheckExact(v))
            goto none;  /* an OCR word's int, or another type: Python compares */
        double d = PyFloat_AS_DOUBLE(v);
        if (k == 0) {
            first = v;
            value = d;
        } else if (d != value) {
            goto none;
        }
    }
    if (!first || value != value)
        goto none;
    out = PyObject_CallFunction(ROUND, "Oi", first, 1);
    goto done;
none:
    out = Py_None;
    Py_INCREF(out);
done:
    Py_DECREF(seq);
    return out;
}

/* pdf_words.body_size: the size (to half a point) that carries most letters of the page, the first
 * such on a tie; 12.0 without words. Sizes are grouped as printed, in order of first use, then by
 * their half point (Python's round: ties to even). None where a word is not a dict of a float size
 * and a str text, or a size is not finite (the Python definition decides). */
static PyObject *body_size(PyObject *self, PyObject *arg) {
    PyObject *seq = PySequence_Fast(arg, "body_size: a list of words");
    if (!seq)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    PyObject *out = NULL;
    double *size = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof *size);
    Py_ssize_t *letters = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof *letters);
    Py_ssize_t groups = 0;
    if (!size || !letters) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *v = NULL, *t = NULL;
        int found = word_value(items[k], KEY_SIZE, &v);
        if (found == 1)
            found = word_value(items[k], KEY_TEXT, &t);
        if (found < 0)
            goto done;
        if (found == 0 || !PyFloat_CheckExact(v) || !PyUnicode_Check(t) || !isfinite(PyFloat_AS_DOUBLE(v))
            || fabs(PyFloat_AS_DOUBLE(v)) > 1e15)
            goto none;
        double d = PyFloat_AS_DOUBLE(v);
        Py_ssize_t g = 0;
        while (g < groups && size[g] != d)
            g++;
        if (g == groups) {
            size[groups] = d;
            letters[groups++] = 0;
        }
        letters[g] += PyUnicode_GET_LENGTH(t);
    }
    if (groups == 0) {
        out = PyFloat_FromDouble(12.0);
        goto done;
    }
    /* by half point, in order of first use (reuse the arrays: halves never outnumber sizes) */
    Py_ssize_t halves = 0;
    for (Py_ssize_t g = 0; g < groups; g++) {
        double half = (rint(size[g] * 2) + 0.0) / 2;  /* + 0.0: Python rounds to an int, which has no -0 */
        Py_ssize_t h = 0;
        while (h < halves && size[h] != half)
            h++;
        Py_ssize_t count = letters[g];
        if (h == halves) {
            size[halves] = half;
            letters[halves++] = count;
        } else {
            letters[h] += count;
        }
    }
    Py_ssize_t best = 0;
    for (Py_ssize_t h = 1; h < halves; h++)
        if (letters[h] > letters[best])
            best = h;
    out = PyFloat_FromDouble(size[best]);
    goto done;
none:
    out = Py_None;
    Py_INCREF(out);
done:
    PyMem_Free(size);
    PyMem_Free(letters);
    Py_DECREF(seq);
    return out;
}

/* ── Rules: pdf_lines._path_objects and _segments in one call ──
 * A page's drawn objects are asked for their type one by one (~80 a page, mostly text) and each
 * path for its segments; through ctypes that is ~0.1 ms a page. The same calls made here give the
 * same straight segments, in page coordinates (the object's matrix applied in the same order of
 * double operations; setup.py turns off fused multiply-add). None where pdfium fails to give an
 * object: the Python definition then raises its error. */

typedef struct { float a, b, c, d, e, f; } matrixf;
typedef int (*count_fn)(void *);
typedef void *(*get_obj_fn)(void *, int);
typedef void *(*get_form_obj_fn)(void *, unsigned long);
typedef int (*type_fn)(void *);
typedef int (*matrix_fn)(void *, matrixf *);
typedef void *(*segment_fn)(void *, int);
typedef int (*point_fn)(void *, float *, float *);

typedef struct {
    count_fn count_objects;
    get_obj_fn get_object;
    count_fn count_form_objects;
    get_form_obj_fn get_form_object;
    type_fn object_type;
    matrix_fn object_matrix;
    count_fn count_segments;
    segment_fn get_segment;
    point_fn segment_point;
    type_fn segment_type;
    type_fn segment_close;
    int path, form, moveto, lineto;
} path_fns;

static int append_segment(PyObject *out, double x0, double y0, double x1, double y1) {
    PyObject *t = Py_BuildValue("(dddd)", x0, y0, x1, y1);
    if (!t)
        return -1;
    int r = PyList_Append(out, t);
    Py_DECREF(t);
    return r;
}

/* the straight segments of one path object (pdf_lines._segments) */
static int path_segments(const path_fns *f, void *obj, PyObject *out) {
    matrixf m = {0, 0, 0, 0, 0, 0};
    double a = 1, b = 0, c = 0, d = 1, e = 0, g = 0;
    if (f->object_matrix(obj, &m)) {
        a = m.a, b = m.b, c = m.c, d = m.d, e = m.e, g = m.f;
    }
    int n = f->count_segments(obj);
    int have_start = 0, have_prev = 0;
    double sx = 0, sy = 0, qx = 0, qy = 0;
    for (int i = 0; i < n; i++) {
        void *seg = f->get_segment(obj, i);
        float fx = 0, fy = 0;
        if (!seg || !f->segment_point(seg, &fx, &fy))
            continue;
        double px = fx, py = fy;
        double x = a * px + c * py + e, y = b * px + d * py + g;
        int kind = f->segment_type(seg);
        if (kind == f->moveto) {
            sx = qx = x, sy = qy = y;
            have_start = have_prev = 1;
        } else {
            if (have_prev && kind == f->lineto && append_segment(out, qx, qy, x, y) < 0)
                return -1;
            qx = x, qy = y;
            have_prev = 1;
        }
        if (f->segment_close(seg) && have_start && have_prev && (qx != sx || qy != sy)) {
            if (append_segment(out, qx, qy, sx, sy) < 0)
                return -1;
            qx = sx, qy = sy;
        }
    }
    return 0;
}

/* 1 done, 0 a null object (None to the caller), -1 an exception */
static int objects_segments(const path_fns *f, void *parent, int is_form, int level, int max_depth, PyObject *out) {
    int n = is_form ? f->count_form_objects(parent) : f->count_objects(parent);
    if (n < 0)
        return 0;
    for (int i = 0; i < n; i++) {  /* every object is asked first, as the Python definition does */
        void *obj = is_form ? f->get_form_object(parent, (unsigned long)i) : f->get_object(parent, i);
        if (!obj)
            return 0;
    }
    for (int i = 0; i < n; i++) {
        void *obj = is_form ? f->get_form_object(parent, (unsigned long)i) : f->get_object(parent, i);
        int kind = f->object_type(obj);
        if (kind == f->path) {
            if (path_segments(f, obj, out) < 0)
                return -1;
        } else if (kind == f->form && level < max_depth) {
            int r = objects_segments(f, obj, 1, level + 1, max_depth, out);
            if (r <= 0)
                return r;
        }
    }
    return 1;
}

static PyObject *page_segments(PyObject *self, PyObject *args) {
    unsigned long long page, p[11];
    path_fns f;
    int max_depth;
    if (!PyArg_ParseTuple(args, "Ki(KKKKKKKKKKK)(iiii)", &page, &max_depth, &p[0], &p[1], &p[2], &p[3], &p[4], &p[5],
                          &p[6], &p[7], &p[8], &p[9], &p[10], &f.path, &f.form, &f.moveto, &f.lineto))
        return NULL;
    for (int k = 0; k < 11; k++)
        if (!p[k]) {
            PyErr_SetString(PyExc_ValueError, "page_segments: a null pdfium function");
            return NULL;
        }
    if (!page) {
        PyErr_SetString(PyExc_ValueError, "page_segments: a null page");
        return NULL;
    }
    f.count_objects = (count_fn)(uintptr_t)p[0];
    f.get_object = (get_obj_fn)(uintptr_t)p[1];
    f.count_form_objects = (count_fn)(uintptr_t)p[2];
    f.get_form_object = (get_form_obj_fn)(uintptr_t)p[3];
    f.object_type = (type_fn)(uintptr_t)p[4];
    f.object_matrix = (matrix_fn)(uintptr_t)p[5];
    f.count_segments = (count_fn)(uintptr_t)p[6];
    f.get_segment = (segment_fn)(uintptr_t)p[7];
    f.segment_point = (point_fn)(uintptr_t)p[8];
    f.segment_type = (type_fn)(uintptr_t)p[9];
    f.segment_close = (type_fn)(uintptr_t)p[10];
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    int r = objects_segments(&f, (void *)(uintptr_t)page, 0, 1, max_depth, out);
    if (r < 0) {
        Py_DECREF(out);
        return NULL;
    }
    if (r == 0) {
        Py_DECREF(out);
        Py_RETURN_NONE;
    }
    return out;
}

static PyMethodDef methods[] = {
    {"char_records", char_records, METH_VARARGS,
     "char_records(text_page, n, loose_box, char_origin, text_object, font_size, font_weight, object_font) -> "
     "bytes: n 64-byte records (float left, top, right, bottom; double origin x, y; uint64 text object; "
     "double font size; int32 weight, int32 0; uint64 font) for chars 0..n-1."},
    {"page_words", page_words, METH_VARARGS,
     "page_words(text_page, n, page_text, height, loose_box, char_origin, text_object, font_size, font_weight, "
     "object_font, font_info) -> list of word dicts (pdf_words.page_words, cut as its numpy path cuts them)."},
    {"group_lines", group_lines, METH_O,
     "group_lines(words) -> list of lines (pdf_words.group_lines), or None for words whose positions are not "
     "finite numbers."},
    {"join_words", join_words, METH_O,
     "join_words(line) -> str (pdf_words.join_words), or None for words without a text and position."},
    {"words_box", words_box, METH_O,
     "words_box(words) -> (x0, top, x1, bottom) (pdf_words.words_box), or None for words that are not dicts "
     "of real numbers, or none."},
    {"uniform_size", uniform_size, METH_O,
     "uniform_size(words) -> round(size, 1) where every word has the same float size, else None."},
    {"body_size", body_size, METH_O,
     "body_size(words) -> float (pdf_words.body_size), or None for words it leaves to Python."},
    {"page_segments", page_segments, METH_VARARGS,
     "page_segments(page, max_depth, (11 pdfium functions), (PATH, FORM, MOVETO, LINETO)) -> list of (x0, y0, "
     "x1, y1): the straight segments of the page's path objects and of its forms' (pdf_lines), or None."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pdfchars",
                                    "Per-glyph pdfium facts in one call (see pdf_words.py).", -1, methods};

PyMODINIT_FUNC PyInit__pdfchars(void) {
    const char *names[9] = {"text", "x0", "x1", "top", "bottom", "size", "baseline", "bold", "font"};
    PyObject **keys[9] = {&KEY_TEXT, &KEY_X0, &KEY_X1, &KEY_TOP, &KEY_BOTTOM, &KEY_SIZE, &KEY_BASELINE, &KEY_BOLD,
                          &KEY_FONT};
    for (int k = 0; k < 9; k++)
        if (!(*keys[k] = PyUnicode_InternFromString(names[k])))
            return NULL;
    PyObject *builtins = PyImport_ImportModule("builtins");
    if (!builtins)
        return NULL;
    ROUND = PyObject_GetAttrString(builtins, "round");
    Py_DECREF(builtins);
    if (!ROUND)
        return NULL;
    return PyModule_Create(&module);
}
