/* Bounds-checked reader and writer for NumPy .npy files, format 1.0 only,
   little-endian, C order. Harness code: it allocates (kernels never do).
   Only the dtypes the reference corpus uses are supported. */
#ifndef VIK_NPY_H
#define VIK_NPY_H
#include <stddef.h>

/* Element types. */
#define NPY_F32 1 /* '<f4' */
#define NPY_F64 2 /* '<f8' */
#define NPY_U8  3 /* '|u1' (also read as '<u1') */
#define NPY_I32 4 /* '<i4' */

#define NPY_MAXDIM 8

/* Error codes: every failure of npy_read / npy_write returns one of these
   and puts a message naming the file in err. */
#define NPY_OK          0
#define NPY_EOPEN     (-1)  /* cannot open the file */
#define NPY_EMAGIC    (-2)  /* not "\x93NUMPY", or file shorter than the 10-byte preamble */
#define NPY_EVERSION  (-3)  /* version other than 1.0 */
#define NPY_EHEADER   (-4)  /* header is not the expected python dict (syntax, keys, negative dims) */
#define NPY_EDTYPE    (-5)  /* descr not one of the supported little-endian types */
#define NPY_EFORTRAN  (-6)  /* fortran_order True (rejected even for 1-D: numpy never writes it) */
#define NPY_ESHAPE    (-7)  /* more than NPY_MAXDIM dims, or a dim or the byte count above PTRDIFF_MAX */
#define NPY_ESIZE     (-8)  /* header beyond end of file, or data size != shape * itemsize */
#define NPY_ENOMEM    (-9)  /* out of memory */
#define NPY_EIO      (-10)  /* read, seek, write or close failed */
#define NPY_EARG     (-11)  /* NULL path or out; npy_write: bad dtype, ndim, NULL shape or data */

typedef struct {
    int dtype;                  /* NPY_F32 ... */
    int ndim;                   /* 0..NPY_MAXDIM; 0 is a scalar (count 1) */
    size_t shape[NPY_MAXDIM];   /* unused entries are 0 */
    size_t count;               /* product of shape */
    void *data;                 /* count elements in host order; never NULL after success */
} npy_array;

/* Bytes per element of dtype, 0 if unknown. */
size_t npy_itemsize(int dtype);
/* numpy descr string of dtype ("<f4"...), "?" if unknown. */
const char *npy_dtype_name(int dtype);
/* Short name of an error code, for messages. */
const char *npy_strerror(int code);

/* Read path into *out. Returns NPY_OK or a negative code; on error *out is
   zeroed (nothing to free) and err (if not NULL and errlen > 0) holds a
   message (errlen above INT_MAX counts as INT_MAX, as in npy_write). */
int npy_read(const char *path, npy_array *out, char *err, size_t errlen);
/* Release out->data and zero *out. Safe on NULL, a zeroed or an already
   freed array. */
void npy_free(npy_array *a);

/* Write a format 1.0 file byte-identical to numpy.save of the same array:
   sorted-key dict header, numpy's growth padding, data aligned to 64 bytes.
   On error the partial file is removed. */
int npy_write(const char *path, int dtype, int ndim, const size_t *shape,
              const void *data, char *err, size_t errlen);

#endif
