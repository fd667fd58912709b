/* The one list of optimizer types. Adding an optimizer means one file in
 * src/optim and one line here. */
#include "optimizer.h"

extern const struct ob_optimizer_type ob_sgd;
extern const struct ob_optimizer_type ob_adagrad;
extern const struct ob_optimizer_type ob_rmsprop;
extern const struct ob_optimizer_type ob_adadelta;
extern const struct ob_optimizer_type ob_adam;
extern const struct ob_optimizer_type ob_adamw;
extern const struct ob_optimizer_type ob_adamax;
extern const struct ob_optimizer_type ob_nadam;

const struct ob_optimizer_type *const ob_optimizer_types[] = {
    &ob_sgd,  &ob_adagrad, &ob_rmsprop, &ob_adadelta,
    &ob_adam, &ob_adamw,   &ob_adamax,  &ob_nadam,
};
const size_t ob_optimizer_type_count =
    sizeof ob_optimizer_types / sizeof ob_optimizer_types[0];
