/* The journal's hash chain, one record's link, compiled (an optional extension).
 *
 * link(prev, seq, head, name, payload, ids) is the hexadecimal SHA-256 of the bytes
 *     prev "|" seq head name "|" payload "|" ids
 * where head is b"|<cmd_seq>|<ts>|<actor>|" (the command's part, encoded once by the caller):
 * exactly openets.engine.journal.record_hash(prev, seq, cmd_seq, ts, actor, name, payload, ids),
 * hashed from the pieces (no joined copy) by OpenSSL's SHA-256. openets.engine.chain has the
 * pure-Python twin that is used where this module is not built.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <openssl/sha.h>
#include <stdio.h>

static const char HEX[] = "0123456789abcdef";

static int
utf8_of(PyObject *s, const char **p, Py_ssize_t *n, const char *what)
{
    if (!PyUnicode_Check(s)) {
        PyErr_Format(PyExc_TypeError, "link: %s must be str", what);
        return -1;
    }
    *p = PyUnicode_AsUTF8AndSize(s, n);
    return *p == NULL ? -1 : 0;
}

static int
bytes_of(PyObject *b, const char **p, Py_ssize_t *n, const char *what)
{
    if (!PyBytes_Check(b)) {
        PyErr_Format(PyExc_TypeError, "link: %s must be bytes", what);
        return -1;
    }
    *p = PyBytes_AS_STRING(b);
    *n = PyBytes_GET_SIZE(b);
    return 0;
}

static PyObject *
chain_link(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    const char *prev, *head, *name, *payload, *ids;
    Py_ssize_t nprev, nhead, nname, npayload, nids;
    char seqbuf[32];
    int nseq;
    long long seq;
    SHA256_CTX ctx;
    unsigned char md[SHA256_DIGEST_LENGTH];
    PyObject *out;
    Py_UCS1 *hex;
    int i;

    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "link(prev, seq, head, name, payload, ids)");
        return NULL;
    }
    if (utf8_of(args[0], &prev, &nprev, "prev") < 0)
        return NULL;
    if (!PyLong_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "link: seq must be int");
        return NULL;
    }
    seq = PyLong_AsLongLong(args[1]);
    if (seq == -1 && PyErr_Occurred())
        return NULL;
    if (bytes_of(args[2], &head, &nhead, "head") < 0
        || utf8_of(args[3], &name, &nname, "name") < 0
        || bytes_of(args[4], &payload, &npayload, "payload") < 0
        || bytes_of(args[5], &ids, &nids, "ids") < 0)
        return NULL;
    nseq = snprintf(seqbuf, sizeof seqbuf, "|%lld", seq);

    SHA256_Init(&ctx);
    SHA256_Update(&ctx, prev, (size_t)nprev);
    SHA256_Update(&ctx, seqbuf, (size_t)nseq);
    SHA256_Update(&ctx, head, (size_t)nhead);
    SHA256_Update(&ctx, name, (size_t)nname);
    SHA256_Update(&ctx, "|", 1);
    SHA256_Update(&ctx, payload, (size_t)npayload);
    SHA256_Update(&ctx, "|", 1);
    SHA256_Update(&ctx, ids, (size_t)nids);
    SHA256_Final(md, &ctx);

    out = PyUnicode_New(2 * SHA256_DIGEST_LENGTH, 127);
    if (out == NULL)
        return NULL;
    hex = PyUnicode_1BYTE_DATA(out);
    for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        hex[2 * i] = (Py_UCS1)HEX[md[i] >> 4];
        hex[2 * i + 1] = (Py_UCS1)HEX[md[i] & 15];
    }
    return out;
}

static PyMethodDef methods[] = {
    {"link", (PyCFunction)(void (*)(void))chain_link, METH_FASTCALL,
     "link(prev, seq, head, name, payload, ids) -> the record's hash (hex SHA-256)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_chain", "The journal's hash chain, compiled.", -1, methods,
};

PyMODINIT_FUNC
PyInit__chain(void)
{
    return PyModule_Create(&module);
}
