"""Integer helpers for the core: square root, unit vectors in Q13 and a squared magnitude.
Only accel_sq16 runs per sample (in the landing search)."""

Q13 = 8192  # unit vectors are scaled so that 1.0 == 8192


def isqrt(n):
    """floor(sqrt(n)) for 0 <= n < 2**30, integer Newton iteration."""
    if n <= 0:
        return 0
    x = n
    y = (x + 1) >> 1
    while y < x:
        x = y
        y = (x + n // x) >> 1
    return x


def unit_q13(out, x, y, z):
    """Write (x, y, z) normalised to length 8192 into out[0:3]; returns False for a zero vector.

    Inputs are first scaled to at most 2**13 per axis so the squared norm stays below 2**30.
    """
    m = abs(x)
    if abs(y) > m:
        m = abs(y)
    if abs(z) > m:
        m = abs(z)
    if m == 0:
        return False
    while m > 8191:
        x >>= 1
        y >>= 1
        z >>= 1
        m >>= 1
    while m < 4096:       # keep precision for small vectors
        x <<= 1
        y <<= 1
        z <<= 1
        m <<= 1
    n = isqrt(x * x + y * y + z * z)   # <= 3 * 2**26 < 2**28
    out[0] = x * Q13 // n
    out[1] = y * Q13 // n
    out[2] = z * Q13 // n
    return True


def accel_sq16(x, y, z):
    """(x>>4)^2 + (y>>4)^2 + (z>>4)^2 of an int16 accel sample (< 3 x 2**22): the squared
    magnitude that CoreUnits.still_lo / still_hi (a foot at rest, |a| ~ 1 g) bound."""
    x >>= 4
    y >>= 4
    z >>= 4
    return x * x + y * y + z * z
