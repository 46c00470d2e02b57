/* The order book in C: the same book as openets/trading/book.py's PyOrderBook, compiled.
 *
 * The Python book stays the reference: every operation here returns what it returns (the same
 * fills, remainders, errors and messages), and tests/trading/test_trading_cbook.py checks that
 * on random operation streams. openets/trading/cbook.py wraps this type with the methods that
 * build the public value types (Level, RestingOrder, Depth); this file has the hot paths.
 *
 * Shape. Each side is an array of price levels sorted worst to best, so the best level is the
 * last element: matching consumes levels from the end (O(1) each), a new level is found by binary
 * search and inserted with one memmove (a few hundred pointers at most in practice). A level is a
 * FIFO doubly linked list of entries (arrival order; O(1) removal of any entry). Every resting
 * entry is a small object held by one dict, order id -> entry, which gives O(1) lookup by id and
 * the arrival order of the whole book (dicts keep insertion order). Prices and quantities are
 * 64-bit integers (a larger value raises OverflowError); order ids and accounts are any objects
 * (ids hashable).
 *
 * C99 and the CPython C API only.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

typedef struct Level Level;

typedef struct Entry {
    PyObject_HEAD
    PyObject *oid;
    PyObject *account;
    long long qty;
    long long price;
    int side;
    struct Entry *prev;
    struct Entry *next;
    Level *level;
} Entry;

struct Level {
    long long price;
    PyObject *price_obj; /* the price as an int, shared by the level's fills */
    long long total;
    Py_ssize_t count;
    Entry *head;
    Entry *tail;
};

typedef struct {
    Level **lv; /* worst first, best last */
    Py_ssize_t n;
    Py_ssize_t cap;
} Ladder;

typedef struct {
    PyObject_HEAD
    PyObject *orders; /* dict: order id -> Entry, arrival order */
    Ladder side[2];   /* [0] bids (ascending), [1] asks (descending) */
} Book;

static PyTypeObject EntryType;

/* ------------------------------------------------------------------ entries -- */

static void
entry_dealloc(Entry *e)
{
    Py_XDECREF(e->oid);
    Py_XDECREF(e->account);
    PyObject_Free(e);
}

static PyTypeObject EntryType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "openets.trading._cbook._Entry",
    .tp_basicsize = sizeof(Entry),
    .tp_dealloc = (destructor)entry_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A resting order of the compiled book (internal).",
};

static Entry *
entry_new(PyObject *oid, PyObject *account, int side, long long price, long long qty)
{
    Entry *e = PyObject_Malloc(sizeof(Entry));
    if (e == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    (void)PyObject_Init((PyObject *)e, &EntryType);
    Py_INCREF(oid);
    Py_INCREF(account);
    e->oid = oid;
    e->account = account;
    e->qty = qty;
    e->price = price;
    e->side = side;
    e->prev = e->next = NULL;
    e->level = NULL;
    return e;
}

/* ------------------------------------------------------------------- ladders -- */

/* 1 if price a is worse than price b on this side (lower bid, higher ask). */
static inline int
worse(int side, long long a, long long b)
{
    return side == 0 ? a < b : a > b;
}

/* The first index whose level is not worse than price (its level if it exists). */
static Py_ssize_t
ladder_lower(const Ladder *l, int side, long long price)
{
    Py_ssize_t lo = 0, hi = l->n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (worse(side, l->lv[mid]->price, price))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The level of price on this side, created if missing; NULL (with an exception) on no memory. */
static Level *
ladder_level(Ladder *l, int side, long long price)
{
    Py_ssize_t i;
    if (l->n && l->lv[l->n - 1]->price == price)
        return l->lv[l->n - 1];
    i = ladder_lower(l, side, price);
    if (i < l->n && l->lv[i]->price == price)
        return l->lv[i];
    if (l->n == l->cap) {
        Py_ssize_t cap = l->cap ? 2 * l->cap : 16;
        Level **lv = PyMem_Realloc(l->lv, (size_t)cap * sizeof(Level *));
        if (lv == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        l->lv = lv;
        l->cap = cap;
    }
    Level *lev = PyMem_Malloc(sizeof(Level));
    if (lev == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    lev->price_obj = PyLong_FromLongLong(price);
    if (lev->price_obj == NULL) {
        PyMem_Free(lev);
        return NULL;
    }
    lev->price = price;
    lev->total = 0;
    lev->count = 0;
    lev->head = lev->tail = NULL;
    memmove(&l->lv[i + 1], &l->lv[i], (size_t)(l->n - i) * sizeof(Level *));
    l->lv[i] = lev;
    l->n++;
    return lev;
}

static void
ladder_drop(Ladder *l, int side, Level *lev)
{
    Py_ssize_t i = l->n - 1;
    if (l->lv[i] != lev) {
        i = ladder_lower(l, side, lev->price);
        memmove(&l->lv[i], &l->lv[i + 1], (size_t)(l->n - i - 1) * sizeof(Level *));
    }
    l->n--;
    Py_DECREF(lev->price_obj);
    PyMem_Free(lev);
}

static void
ladder_free(Ladder *l)
{
    for (Py_ssize_t i = 0; i < l->n; i++) {
        Py_DECREF(l->lv[i]->price_obj);
        PyMem_Free(l->lv[i]);
    }
    PyMem_Free(l->lv);
    l->lv = NULL;
    l->n = l->cap = 0;
}

/* ---------------------------------------------------------------- book state -- */

/* Unlink e from its level (dropping the level when it empties); e stays in the id dict. */
static void
book_unlink(Book *b, Entry *e)
{
    Level *lev = e->level;
    if (e->prev)
        e->prev->next = e->next;
    else
        lev->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        lev->tail = e->prev;
    lev->count--;
    lev->total -= e->qty;
    e->level = NULL;
    if (lev->count == 0)
        ladder_drop(&b->side[e->side], e->side, lev);
}

/* Remove e from the book entirely (level and id dict); e is freed. 0 or -1. */
static int
book_remove(Book *b, Entry *e)
{
    PyObject *oid = e->oid;
    int rc;
    book_unlink(b, e);
    Py_INCREF(oid);
    rc = PyDict_DelItem(b->orders, oid);
    Py_DECREF(oid);
    return rc;
}

static int
book_rest(Book *b, PyObject *oid, PyObject *account, int side, long long price, long long qty)
{
    Level *lev = ladder_level(&b->side[side], side, price);
    if (lev == NULL)
        return -1;
    Entry *e = entry_new(oid, account, side, price, qty);
    if (e == NULL || PyDict_SetItem(b->orders, oid, (PyObject *)e) < 0) {
        Py_XDECREF(e);
        if (lev->count == 0)
            ladder_drop(&b->side[side], side, lev);
        return -1;
    }
    Py_DECREF(e); /* the dict holds it */
    e->level = lev;
    e->prev = lev->tail;
    if (lev->tail)
        lev->tail->next = e;
    else
        lev->head = e;
    lev->tail = e;
    lev->count++;
    lev->total += qty;
    return 0;
}

static void
book_reset(Book *b)
{
    ladder_free(&b->side[0]);
    ladder_free(&b->side[1]);
    if (b->orders)
        PyDict_Clear(b->orders);
}

/* ----------------------------------------------------------------- arguments -- */

/* 0 or 1 for a side equal to BUY or SELL, 2 for anything else, -1 on error. */
static int
side_code(PyObject *side)
{
    if (PyLong_Check(side)) {
        int overflow = 0;
        long v = PyLong_AsLongAndOverflow(side, &overflow);
        if (v == -1 && PyErr_Occurred())
            return -1;
        return overflow ? 2 : (v == 0 ? 0 : v == 1 ? 1 : 2);
    }
    for (long v = 0; v < 2; v++) {
        PyObject *k = PyLong_FromLong(v);
        if (k == NULL)
            return -1;
        int eq = PyObject_RichCompareBool(side, k, Py_EQ);
        Py_DECREF(k);
        if (eq < 0)
            return -1;
        if (eq)
            return (int)v;
    }
    return 2;
}

/* side_code, with a ValueError for anything but BUY or SELL. */
static int
strict_side(PyObject *side)
{
    int s = side_code(side);
    if (s == 2) {
        PyErr_Format(PyExc_ValueError, "side must be BUY (0) or SELL (1), was %R", side);
        return -1;
    }
    return s;
}

static int
as_ll(PyObject *o, long long *out)
{
    long long v = PyLong_AsLongLong(o);
    if (v == -1 && PyErr_Occurred())
        return -1;
    *out = v;
    return 0;
}

static PyObject *
bad_order(PyObject *oid, long long qty)
{
    if (qty <= 0)
        PyErr_Format(PyExc_ValueError, "quantity must be positive, was %lld", qty);
    else
        PyErr_Format(PyExc_ValueError, "order id %R is already resting", oid);
    return NULL;
}

/* qty > 0 and the id not resting: 1; a bad order: 0 (exception set); error: -1. */
static int
check_new(Book *b, PyObject *oid, long long qty)
{
    int has;
    if (qty <= 0) {
        bad_order(oid, qty);
        return 0;
    }
    has = PyDict_Contains(b->orders, oid);
    if (has < 0)
        return -1;
    if (has) {
        bad_order(oid, qty);
        return 0;
    }
    return 1;
}

/* A tuple of ints and strings cannot be part of a reference cycle: left out of the
 * collector's lists, a list of fills kept by the caller costs the collector nothing. */
static inline int
atomic(PyObject *o)
{
    return !PyObject_IS_GC(o);
}

/* (maker_id, maker_account, price, qty, maker_remaining); price is the level's own object. */
static PyObject *
fill_tuple(Entry *e, PyObject *price, long long qty, long long left)
{
    PyObject *t = PyTuple_New(5);
    PyObject *q, *r;
    if (t == NULL)
        return NULL;
    q = PyLong_FromLongLong(qty);
    r = PyLong_FromLongLong(left);
    if (q == NULL || r == NULL) {
        Py_XDECREF(q);
        Py_XDECREF(r);
        Py_DECREF(t);
        return NULL;
    }
    Py_INCREF(e->oid);
    Py_INCREF(e->account);
    Py_INCREF(price);
    PyTuple_SET_ITEM(t, 0, e->oid);
    PyTuple_SET_ITEM(t, 1, e->account);
    PyTuple_SET_ITEM(t, 2, price);
    PyTuple_SET_ITEM(t, 3, q);
    PyTuple_SET_ITEM(t, 4, r);
    if (atomic(e->oid) && atomic(e->account))
        PyObject_GC_UnTrack(t);
    return t;
}

/* (order_id, remaining, account, side, price): the raw entry, as PyOrderBook.entries(). */
static PyObject *
entry_tuple(Entry *e)
{
    return Py_BuildValue("(OLOiL)", e->oid, e->qty, e->account, e->side, e->price);
}

static int
append_new(PyObject *list, PyObject *item)
{
    int rc;
    if (item == NULL)
        return -1;
    rc = PyList_Append(list, item);
    Py_DECREF(item);
    return rc;
}

/* -------------------------------------------------------------------- methods -- */

static PyObject *
Book_crossing(Book *b, PyObject *const *args, Py_ssize_t nargs)
{
    long long price, qty;
    int side;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "crossing(side, price, qty)");
        return NULL;
    }
    if ((side = strict_side(args[0])) < 0 || as_ll(args[1], &price) < 0 ||
        as_ll(args[2], &qty) < 0)
        return NULL;
    PyObject *fills = PyList_New(0);
    if (fills == NULL)
        return NULL;
    Ladder *opp = &b->side[1 - side];
    for (Py_ssize_t i = opp->n - 1; i >= 0 && qty > 0; i--) {
        Level *lev = opp->lv[i];
        long long bp = lev->price;
        if (side == 0 ? bp > price : bp < price)
            break;
        for (Entry *e = lev->head; e != NULL; e = e->next) {
            long long mq = e->qty;
            if (mq > qty) {
                if (append_new(fills, fill_tuple(e, lev->price_obj, qty, mq - qty)) < 0)
                    goto error;
                return fills;
            }
            if (append_new(fills, fill_tuple(e, lev->price_obj, mq, 0)) < 0)
                goto error;
            qty -= mq;
            if (!qty)
                return fills;
        }
    }
    return fills;
error:
    Py_DECREF(fills);
    return NULL;
}

static PyObject *
Book_match(Book *b, PyObject *const *args, Py_ssize_t nargs)
{
    long long price, qty, asked;
    int side, ok;
    PyObject *oid, *account, *fills, *extra = NULL;
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "match(order_id, account, side, price, qty, fills)");
        return NULL;
    }
    oid = args[0];
    account = args[1];
    fills = args[5];
    if (as_ll(args[4], &qty) < 0)
        return NULL;
    if ((ok = check_new(b, oid, qty)) <= 0)
        return NULL;
    if ((side = strict_side(args[2])) < 0 || as_ll(args[3], &price) < 0)
        return NULL;
    asked = qty;
    if (!PyList_Check(fills)) { /* any object with extend(): collect, then extend once */
        if ((extra = PyList_New(0)) == NULL)
            return NULL;
    }
    PyObject *out = extra ? extra : fills;
    Ladder *opp = &b->side[1 - side];
    while (qty > 0 && opp->n) {
        Level *lev = opp->lv[opp->n - 1];
        long long bp = lev->price;
        if (side == 0 ? bp > price : bp < price)
            break;
        while (qty > 0) { /* the level empties before qty does, or qty runs out here */
            Entry *e = lev->head;
            long long mq = e->qty;
            if (mq > qty) {
                if (append_new(out, fill_tuple(e, lev->price_obj, qty, mq - qty)) < 0)
                    goto error;
                e->qty = mq - qty;
                lev->total -= qty;
                qty = 0;
                break;
            }
            if (append_new(out, fill_tuple(e, lev->price_obj, mq, 0)) < 0)
                goto error;
            qty -= mq;
            int last = lev->count == 1;
            if (book_remove(b, e) < 0)
                goto error;
            if (last)
                break; /* the level is gone */
        }
    }
    if (extra) {
        PyObject *r = PyObject_CallMethod(fills, "extend", "O", extra);
        Py_CLEAR(extra);
        if (r == NULL)
            return NULL;
        Py_DECREF(r);
    }
    if (qty && book_rest(b, oid, account, side, price, qty) < 0)
        return NULL;
    if (qty == asked && PyLong_CheckExact(args[4])) /* nothing traded: the caller's int */
        return Py_NewRef(args[4]);
    return PyLong_FromLongLong(qty);
error:
    Py_XDECREF(extra);
    return NULL;
}

static PyObject *
Book_post(Book *b, PyObject *const *args, Py_ssize_t nargs)
{
    long long price, qty;
    int side, ok;
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "post(order_id, account, side, price, qty)");
        return NULL;
    }
    if (as_ll(args[4], &qty) < 0)
        return NULL;
    if ((ok = check_new(b, args[0], qty)) <= 0)
        return NULL;
    if ((side = strict_side(args[2])) < 0 || as_ll(args[3], &price) < 0)
        return NULL;
    if (book_rest(b, args[0], args[1], side, price, qty) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
Book_cancel(Book *b, PyObject *oid)
{
    PyObject *v = PyDict_GetItemWithError(b->orders, oid);
    if (v == NULL) {
        if (PyErr_Occurred())
            return NULL;
        Py_RETURN_NONE;
    }
    long long left = ((Entry *)v)->qty;
    if (book_remove(b, (Entry *)v) < 0)
        return NULL;
    return PyLong_FromLongLong(left);
}

static PyObject *
Book_take(Book *b, PyObject *const *args, Py_ssize_t nargs)
{
    long long qty;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "take(listing_id, qty)");
        return NULL;
    }
    PyObject *v = PyDict_GetItemWithError(b->orders, args[0]);
    if (v == NULL) {
        if (!PyErr_Occurred()) {
            PyObject *msg = PyUnicode_FromFormat("listing %R is not resting", args[0]);
            if (msg != NULL) {
                PyErr_SetObject(PyExc_KeyError, msg);
                Py_DECREF(msg);
            }
        }
        return NULL;
    }
    Entry *e = (Entry *)v;
    long long remaining = e->qty;
    if (as_ll(args[1], &qty) < 0)
        return NULL;
    if (qty <= 0 || qty > remaining) {
        PyErr_Format(PyExc_ValueError, "take quantity must be 1..%lld, was %lld", remaining, qty);
        return NULL;
    }
    remaining -= qty;
    PyObject *fill = fill_tuple(e, e->level->price_obj, qty, remaining);
    if (fill == NULL)
        return NULL;
    if (remaining) {
        e->qty = remaining;
        e->level->total -= qty;
    }
    else if (book_remove(b, e) < 0) {
        Py_DECREF(fill);
        return NULL;
    }
    return fill;
}

static PyObject *
Book_level_rank(Book *b, PyObject *const *args, Py_ssize_t nargs)
{
    long long price;
    int side;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "level_rank(side, price)");
        return NULL;
    }
    if ((side = side_code(args[0])) < 0 || as_ll(args[1], &price) < 0)
        return NULL;
    side = side == 0 ? 0 : 1;
    const Ladder *l = &b->side[side];
    /* levels strictly better than price: those after the last level not better than it */
    Py_ssize_t lo = 0, hi = l->n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (worse(side, price, l->lv[mid]->price))
            hi = mid;
        else
            lo = mid + 1;
    }
    return PyLong_FromSsize_t(l->n - lo);
}

/* The n best levels of a side, best first; side any object (0 = bids, else asks). */
static int
best_args(PyObject *const *args, Py_ssize_t nargs, const char *name, int *side, Py_ssize_t *n)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "%s(side, n)", name);
        return -1;
    }
    int s = side_code(args[0]);
    if (s < 0)
        return -1;
    *side = s == 0 ? 0 : 1;
    *n = PyLong_AsSsize_t(args[1]);
    if (*n == -1 && PyErr_Occurred())
        return -1;
    return 0;
}

static PyObject *
Book_levels(Book *b, PyObject *const *args, Py_ssize_t nargs)
{
    int side;
    Py_ssize_t n;
    if (best_args(args, nargs, "_levels", &side, &n) < 0)
        return NULL;
    const Ladder *l = &b->side[side];
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = l->n - 1; i >= 0 && l->n - i <= n; i--) {
        Level *lev = l->lv[i];
        if (append_new(out, Py_BuildValue("(LLn)", lev->price, lev->total, lev->count)) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

static PyObject *
Book_orders_in(Book *b, PyObject *const *args, Py_ssize_t nargs)
{
    int side;
    Py_ssize_t n;
    if (best_args(args, nargs, "_orders_in", &side, &n) < 0)
        return NULL;
    const Ladder *l = &b->side[side];
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = l->n - 1; i >= 0 && l->n - i <= n; i--) {
        for (Entry *e = l->lv[i]->head; e != NULL; e = e->next) {
            if (append_new(out, entry_tuple(e)) < 0) {
                Py_DECREF(out);
                return NULL;
            }
        }
    }
    return out;
}

static PyObject *
Book_entries(Book *b, PyObject *Py_UNUSED(ignored))
{
    PyObject *out = PyList_New(PyDict_GET_SIZE(b->orders));
    PyObject *key, *value;
    Py_ssize_t pos = 0, i = 0;
    if (out == NULL)
        return NULL;
    while (PyDict_Next(b->orders, &pos, &key, &value)) {
        PyObject *t = entry_tuple((Entry *)value);
        if (t == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, i++, t);
    }
    return out;
}

static PyObject *
Book_entry(Book *b, PyObject *oid)
{
    PyObject *v = PyDict_GetItemWithError(b->orders, oid);
    if (v == NULL) {
        if (PyErr_Occurred())
            return NULL;
        Py_RETURN_NONE;
    }
    return entry_tuple((Entry *)v);
}

static PyObject *
Book_clear_raw(Book *b, PyObject *Py_UNUSED(ignored))
{
    PyObject *out = Book_entries(b, NULL);
    if (out != NULL)
        book_reset(b);
    return out;
}

static PyObject *
side_total(const Ladder *l)
{
    PyObject *sum = PyLong_FromLong(0);
    for (Py_ssize_t i = 0; sum != NULL && i < l->n; i++) {
        PyObject *t = PyLong_FromLongLong(l->lv[i]->total);
        PyObject *s = t ? PyNumber_Add(sum, t) : NULL;
        Py_XDECREF(t);
        Py_DECREF(sum);
        sum = s;
    }
    return sum;
}

static PyObject *
Book_resting_qty(Book *b, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs > 1) {
        PyErr_SetString(PyExc_TypeError, "resting_qty(side=None)");
        return NULL;
    }
    if (nargs == 0 || args[0] == Py_None) {
        PyObject *a = side_total(&b->side[0]);
        PyObject *c = a ? side_total(&b->side[1]) : NULL;
        PyObject *s = c ? PyNumber_Add(a, c) : NULL;
        Py_XDECREF(a);
        Py_XDECREF(c);
        return s;
    }
    int side = side_code(args[0]);
    if (side < 0)
        return NULL;
    if (side == 2)
        return PyLong_FromLong(0);
    return side_total(&b->side[side]);
}

static PyObject *
Book_is_crossed(Book *b, PyObject *Py_UNUSED(ignored))
{
    const Ladder *bid = &b->side[0], *ask = &b->side[1];
    if (bid->n && ask->n && bid->lv[bid->n - 1]->price >= ask->lv[ask->n - 1]->price)
        Py_RETURN_TRUE;
    Py_RETURN_FALSE;
}

static int
add_error(PyObject *out, const char *fmt, ...)
{
    va_list va;
    va_start(va, fmt);
    PyObject *s = PyUnicode_FromFormatV(fmt, va);
    va_end(va);
    return append_new(out, s);
}

/* Internal consistency problems (empty when sound): for tests and verify, as book_errors. */
static PyObject *
Book_errors(Book *b, PyObject *Py_UNUSED(ignored))
{
    static const char *names[2] = {"BUY", "SELL"};
    PyObject *out = PyList_New(0);
    Py_ssize_t seen = 0;
    if (out == NULL)
        return NULL;
    for (int side = 0; side < 2; side++) {
        const Ladder *l = &b->side[side];
        for (Py_ssize_t i = 0; i < l->n; i++) {
            Level *lev = l->lv[i];
            Py_ssize_t count = 0;
            long long total = 0;
            if (i && !worse(side, l->lv[i - 1]->price, lev->price) &&
                add_error(out, "%s prices are not strictly ordered at level %lld", names[side],
                          lev->price) < 0)
                goto error;
            if (lev->count == 0 &&
                add_error(out, "%s level %lld is empty", names[side], lev->price) < 0)
                goto error;
            for (Entry *e = lev->head; e != NULL; e = e->next) {
                count++;
                total += e->qty;
                if ((e->side != side || e->price != lev->price || e->level != lev) &&
                    add_error(out, "order %R sits at %s %lld, says side %d price %lld", e->oid,
                              names[side], lev->price, e->side, e->price) < 0)
                    goto error;
                if (e->qty <= 0 &&
                    add_error(out, "order %R rests with quantity %lld", e->oid, e->qty) < 0)
                    goto error;
                if ((e->next ? e->next->prev != e : lev->tail != e) &&
                    add_error(out, "order %R is badly linked", e->oid) < 0)
                    goto error;
                PyObject *v = PyDict_GetItemWithError(b->orders, e->oid);
                if (v == NULL && PyErr_Occurred())
                    goto error;
                if (v != (PyObject *)e &&
                    add_error(out, "order %R is on a level but not in the id index", e->oid) < 0)
                    goto error;
            }
            if ((count != lev->count || total != lev->total) &&
                add_error(out, "%s level %lld counts %zd orders of %lld, holds %zd of %lld",
                          names[side], lev->price, lev->count, lev->total, count, total) < 0)
                goto error;
            seen += count;
        }
    }
    if (seen != PyDict_GET_SIZE(b->orders) &&
        add_error(out, "%zd orders indexed but %zd on levels", PyDict_GET_SIZE(b->orders),
                  seen) < 0)
        goto error;
    return out;
error:
    Py_DECREF(out);
    return NULL;
}

static PyObject *
Book_get_best_bid(Book *b, void *Py_UNUSED(closure))
{
    const Ladder *l = &b->side[0];
    if (!l->n)
        Py_RETURN_NONE;
    return PyLong_FromLongLong(l->lv[l->n - 1]->price);
}

static PyObject *
Book_get_best_ask(Book *b, void *Py_UNUSED(closure))
{
    const Ladder *l = &b->side[1];
    if (!l->n)
        Py_RETURN_NONE;
    return PyLong_FromLongLong(l->lv[l->n - 1]->price);
}

static Py_ssize_t
Book_len(Book *b)
{
    return PyDict_GET_SIZE(b->orders);
}

static int
Book_contains(Book *b, PyObject *oid)
{
    return PyDict_Contains(b->orders, oid);
}

static PyObject *
Book_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    Book *b = (Book *)type->tp_alloc(type, 0);
    if (b == NULL)
        return NULL;
    memset(b->side, 0, sizeof(b->side));
    b->orders = PyDict_New();
    if (b->orders == NULL) {
        Py_DECREF(b);
        return NULL;
    }
    return (PyObject *)b;
}

static int
Book_init(Book *b, PyObject *args, PyObject *kwds)
{
    if (PyTuple_GET_SIZE(args) || (kwds && PyDict_GET_SIZE(kwds))) {
        PyErr_SetString(PyExc_TypeError, "the book takes no arguments");
        return -1;
    }
    return 0;
}

static void
Book_dealloc(Book *b)
{
    ladder_free(&b->side[0]);
    ladder_free(&b->side[1]);
    Py_CLEAR(b->orders);
    Py_TYPE(b)->tp_free((PyObject *)b);
}

static PyMethodDef Book_methods[] = {
    {"crossing", (PyCFunction)(void (*)(void))Book_crossing, METH_FASTCALL,
     "crossing(side, price, qty) -> the fills an order would get; the book is unchanged."},
    {"match", (PyCFunction)(void (*)(void))Book_match, METH_FASTCALL,
     "match(order_id, account, side, price, qty, fills) -> the quantity left resting."},
    {"post", (PyCFunction)(void (*)(void))Book_post, METH_FASTCALL,
     "post(order_id, account, side, price, qty): rest without matching."},
    {"cancel", (PyCFunction)Book_cancel, METH_O,
     "cancel(order_id) -> the remaining quantity, or None if not resting."},
    {"take", (PyCFunction)(void (*)(void))Book_take, METH_FASTCALL,
     "take(listing_id, qty) -> the fill against one listing."},
    {"level_rank", (PyCFunction)(void (*)(void))Book_level_rank, METH_FASTCALL,
     "level_rank(side, price) -> levels of side strictly better than price."},
    {"resting_qty", (PyCFunction)(void (*)(void))Book_resting_qty, METH_FASTCALL,
     "resting_qty(side=None) -> total remaining quantity of one side, or of both."},
    {"is_crossed", (PyCFunction)Book_is_crossed, METH_NOARGS,
     "True if the best bid is at or above the best ask."},
    {"entries", (PyCFunction)Book_entries, METH_NOARGS,
     "Every resting order as (order_id, remaining, account, side, price), arrival order."},
    {"_entry", (PyCFunction)Book_entry, METH_O, "The raw entry of one order id, or None."},
    {"_levels", (PyCFunction)(void (*)(void))Book_levels, METH_FASTCALL,
     "_levels(side, n) -> [(price, total, count)], best first."},
    {"_orders_in", (PyCFunction)(void (*)(void))Book_orders_in, METH_FASTCALL,
     "_orders_in(side, n) -> raw entries of the n best levels, best first, arrival order."},
    {"_clear", (PyCFunction)Book_clear_raw, METH_NOARGS,
     "Remove every order; returns their raw entries in arrival order."},
    {"_errors", (PyCFunction)Book_errors, METH_NOARGS, "Internal consistency problems."},
    {"__class_getitem__", Py_GenericAlias, METH_O | METH_CLASS, "Book[K] in annotations."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Book_getset[] = {
    {"best_bid", (getter)Book_get_best_bid, NULL, "The best bid price, or None.", NULL},
    {"best_ask", (getter)Book_get_best_ask, NULL, "The best ask price, or None.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods Book_as_sequence = {
    .sq_length = (lenfunc)Book_len,
    .sq_contains = (objobjproc)Book_contains,
};

static PyTypeObject BookType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "openets.trading._cbook.Book",
    .tp_basicsize = sizeof(Book),
    .tp_dealloc = (destructor)Book_dealloc,
    .tp_as_sequence = &Book_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "The order book of one instrument, compiled (see openets.trading.cbook).",
    .tp_methods = Book_methods,
    .tp_getset = Book_getset,
    .tp_init = (initproc)Book_init,
    .tp_new = Book_new,
};

static struct PyModuleDef cbook_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "openets.trading._cbook",
    .m_doc = "The order book, compiled: the same results as openets.trading.book.PyOrderBook.",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__cbook(void)
{
    PyObject *m;
    if (PyType_Ready(&EntryType) < 0 || PyType_Ready(&BookType) < 0)
        return NULL;
    m = PyModule_Create(&cbook_module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&BookType);
    if (PyModule_AddObject(m, "Book", (PyObject *)&BookType) < 0) {
        Py_DECREF(&BookType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
