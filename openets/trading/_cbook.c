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
    PyObject *oid;     /* strong reference */
    PyObject *account; /* strong reference */
    Py_hash_t hash;    /* of oid */
    long long qty;
    long long price;
    int side;
    struct Entry *prev, *next;   /* the level's queue */
    struct Entry *aprev, *anext; /* the whole book in arrival order */
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
    Entry **slots;    /* open addressing, linear probing: order id -> entry */
    Py_ssize_t mask;  /* slots - 1 (a power of two less one), -1 before the first order */
    Py_ssize_t count; /* resting orders */
    Entry *first, *last; /* arrival order */
    Entry *spare;     /* freed entries, linked through anext */
    Ladder side[2];   /* [0] bids (ascending), [1] asks (descending) */
} Book;

/* ------------------------------------------------------------------ entries -- */

static Entry *
entry_new(Book *b)
{
    Entry *e = b->spare;
    if (e != NULL) {
        b->spare = e->anext;
        return e;
    }
    e = PyMem_Malloc(sizeof(Entry));
    if (e == NULL)
        PyErr_NoMemory();
    return e;
}

static void
entry_free(Book *b, Entry *e)
{
    e->anext = b->spare;
    b->spare = e;
}

/* ------------------------------------------------------------------ id index -- */

/* The entry of oid (hash h): 1 found (*out), 0 not, -1 error (an id's __eq__ raised). */
static int
index_find(Book *b, PyObject *oid, Py_hash_t h, Entry **out)
{
    if (b->mask < 0)
        return 0;
    for (size_t i = (size_t)h & (size_t)b->mask;; i = (i + 1) & (size_t)b->mask) {
        Entry *e = b->slots[i];
        if (e == NULL)
            return 0;
        if (e->hash == h) {
            int eq = e->oid == oid ? 1 : PyObject_RichCompareBool(e->oid, oid, Py_EQ);
            if (eq < 0)
                return -1;
            if (eq) {
                *out = e;
                return 1;
            }
        }
    }
}

static void
index_put(Entry **slots, Py_ssize_t mask, Entry *e)
{
    size_t i = (size_t)e->hash & (size_t)mask;
    while (slots[i] != NULL)
        i = (i + 1) & (size_t)mask;
    slots[i] = e;
}

/* Room for one more entry (at most two thirds of the slots used); 0 or -1. */
static int
index_reserve(Book *b)
{
    Py_ssize_t size = b->mask + 1;
    if (3 * (b->count + 1) <= 2 * size)
        return 0;
    Py_ssize_t grown = size ? 2 * size : 64;
    while (3 * (b->count + 1) > 2 * grown)
        grown *= 2;
    Entry **slots = PyMem_Calloc((size_t)grown, sizeof(Entry *));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < size; i++)
        if (b->slots[i] != NULL)
            index_put(slots, grown - 1, b->slots[i]);
    PyMem_Free(b->slots);
    b->slots = slots;
    b->mask = grown - 1;
    return 0;
}

/* Take e out of the index: find its slot, then shift the entries after it back. */
static void
index_drop(Book *b, Entry *e)
{
    size_t mask = (size_t)b->mask, i = (size_t)e->hash & mask, j;
    while (b->slots[i] != e)
        i = (i + 1) & mask;
    for (j = (i + 1) & mask; b->slots[j] != NULL; j = (j + 1) & mask) {
        size_t home = (size_t)b->slots[j]->hash & mask;
        /* the entry at j may move to the hole at i unless its home lies in (i, j] */
        int stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!stays) {
            b->slots[i] = b->slots[j];
            i = j;
        }
    }
    b->slots[i] = NULL;
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

/* Unlink e from its level (dropping the level when it empties). */
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

/* Remove e from the book entirely (level, index, arrival order) and free it. */
static void
book_remove(Book *b, Entry *e)
{
    PyObject *oid = e->oid, *account = e->account;
    book_unlink(b, e);
    index_drop(b, e);
    if (e->aprev)
        e->aprev->anext = e->anext;
    else
        b->first = e->anext;
    if (e->anext)
        e->anext->aprev = e->aprev;
    else
        b->last = e->aprev;
    b->count--;
    entry_free(b, e);
    Py_DECREF(oid); /* last: a finalizer may run */
    Py_DECREF(account);
}

/* Rest a new order (its id, of hash h, checked absent); 0 or -1. */
static int
book_rest(Book *b, PyObject *oid, Py_hash_t h, PyObject *account, int side, long long price,
          long long qty)
{
    if (index_reserve(b) < 0)
        return -1;
    Level *lev = ladder_level(&b->side[side], side, price);
    if (lev == NULL)
        return -1;
    Entry *e = entry_new(b);
    if (e == NULL) {
        if (lev->count == 0)
            ladder_drop(&b->side[side], side, lev);
        return -1;
    }
    Py_INCREF(oid);
    Py_INCREF(account);
    e->oid = oid;
    e->account = account;
    e->hash = h;
    e->qty = qty;
    e->price = price;
    e->side = side;
    index_put(b->slots, b->mask, e);
    b->count++;
    e->anext = NULL;
    e->aprev = b->last;
    if (b->last)
        b->last->anext = e;
    else
        b->first = e;
    b->last = e;
    e->level = lev;
    e->next = NULL;
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

/* Empty the book: every entry, level and slot (the spare entries are kept unless all). */
static void
book_reset(Book *b, int all)
{
    Entry *e = b->first, *spare;
    b->first = b->last = NULL;
    ladder_free(&b->side[0]);
    ladder_free(&b->side[1]);
    if (b->slots != NULL)
        memset(b->slots, 0, (size_t)(b->mask + 1) * sizeof(Entry *));
    b->count = 0;
    while (e != NULL) {
        Entry *next = e->anext;
        PyObject *oid = e->oid, *account = e->account;
        entry_free(b, e);
        Py_DECREF(oid);
        Py_DECREF(account);
        e = next;
    }
    if (all) {
        for (e = b->spare; e != NULL; e = spare) {
            spare = e->anext;
            PyMem_Free(e);
        }
        b->spare = NULL;
        PyMem_Free(b->slots);
        b->slots = NULL;
        b->mask = -1;
    }
}

/* The resting entry of oid, or NULL with *found 0 (error: -1). */
static Entry *
book_find(Book *b, PyObject *oid, int *found)
{
    Entry *e = NULL;
    Py_hash_t h = PyObject_Hash(oid);
    if (h == -1) {
        *found = -1;
        return NULL;
    }
    *found = index_find(b, oid, h, &e);
    return *found == 1 ? e : NULL;
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

/* qty > 0 and the id not resting: 1 (*h its hash); a bad order: 0 (exception set); error: -1. */
static int
check_new(Book *b, PyObject *oid, long long qty, Py_hash_t *h)
{
    Entry *e;
    int has;
    if (qty <= 0) {
        bad_order(oid, qty);
        return 0;
    }
    if ((*h = PyObject_Hash(oid)) == -1)
        return -1;
    if ((has = index_find(b, oid, *h, &e)) < 0)
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
    Py_hash_t h;
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
    if ((ok = check_new(b, oid, qty, &h)) <= 0)
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
            book_remove(b, e);
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
    if (qty && book_rest(b, oid, h, account, side, price, qty) < 0)
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
    Py_hash_t h;
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "post(order_id, account, side, price, qty)");
        return NULL;
    }
    if (as_ll(args[4], &qty) < 0)
        return NULL;
    if ((ok = check_new(b, args[0], qty, &h)) <= 0)
        return NULL;
    if ((side = strict_side(args[2])) < 0 || as_ll(args[3], &price) < 0)
        return NULL;
    if (book_rest(b, args[0], h, args[1], side, price, qty) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
Book_cancel(Book *b, PyObject *oid)
{
    int found;
    Entry *e = book_find(b, oid, &found);
    if (found < 0)
        return NULL;
    if (e == NULL)
        Py_RETURN_NONE;
    long long left = e->qty;
    book_remove(b, e);
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
    int found;
    Entry *e = book_find(b, args[0], &found);
    if (found < 0)
        return NULL;
    if (e == NULL) {
        PyObject *msg = PyUnicode_FromFormat("listing %R is not resting", args[0]);
        if (msg != NULL) {
            PyErr_SetObject(PyExc_KeyError, msg);
            Py_DECREF(msg);
        }
        return NULL;
    }
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
    else
        book_remove(b, e);
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
    PyObject *out = PyList_New(b->count);
    Py_ssize_t i = 0;
    if (out == NULL)
        return NULL;
    for (Entry *e = b->first; e != NULL; e = e->anext) {
        PyObject *t = entry_tuple(e);
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
    int found;
    Entry *e = book_find(b, oid, &found);
    if (found < 0)
        return NULL;
    if (e == NULL)
        Py_RETURN_NONE;
    return entry_tuple(e);
}

static PyObject *
Book_clear_raw(Book *b, PyObject *Py_UNUSED(ignored))
{
    PyObject *out = Book_entries(b, NULL);
    if (out != NULL)
        book_reset(b, 0);
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
                Entry *found = NULL;
                if (index_find(b, e->oid, e->hash, &found) < 0)
                    goto error;
                if (found != e &&
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
    Py_ssize_t indexed = 0, arrived = 0;
    for (Py_ssize_t i = 0; i <= b->mask; i++)
        indexed += b->slots[i] != NULL;
    for (Entry *e = b->first; e != NULL; e = e->anext)
        arrived += (e->anext ? e->anext->aprev == e : b->last == e) ? 1 : 0;
    if ((seen != b->count || indexed != b->count || arrived != b->count) &&
        add_error(out, "%zd orders counted, %zd indexed, %zd in arrival order, %zd on levels",
                  b->count, indexed, arrived, seen) < 0)
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
    return b->count;
}

static int
Book_contains(Book *b, PyObject *oid)
{
    int found;
    (void)book_find(b, oid, &found);
    return found;
}

static PyObject *
Book_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    Book *b = (Book *)type->tp_alloc(type, 0);
    if (b == NULL)
        return NULL;
    memset(b->side, 0, sizeof(b->side));
    b->slots = NULL;
    b->mask = -1;
    b->count = 0;
    b->first = b->last = b->spare = NULL;
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
    book_reset(b, 1);
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
    if (PyType_Ready(&BookType) < 0)
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
