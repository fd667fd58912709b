/* Numeric constants shared by optimizers and problems, defined once so every
 * file rounds them the same way. */
#ifndef OB_NUMERIC_H
#define OB_NUMERIC_H

/* pi to more digits than a double holds; rounds to Python's math.pi. */
#define OB_PI 3.14159265358979323846

#endif
