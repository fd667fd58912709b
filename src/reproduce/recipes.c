/* The registry of recipes, in the order `optbench reproduce all` runs them
 * and the report shows them. Adding a recipe means one file
 * src/reproduce/recipe_NAME.c and one line here. */
#include "recipe.h"

#include <string.h>

#include "../util/params.h"

extern const struct ob_recipe ob_recipe_linear_rates;
extern const struct ob_recipe ob_recipe_limit_cycle;
extern const struct ob_recipe ob_recipe_nqm;
extern const struct ob_recipe ob_recipe_adam_convergence;
extern const struct ob_recipe ob_recipe_adaptive_generalization;
extern const struct ob_recipe ob_recipe_fashion_mnist;
extern const struct ob_recipe ob_recipe_adam_claims;
extern const struct ob_recipe ob_recipe_decoupled_decay;
extern const struct ob_recipe ob_recipe_cliff;

/* Ends with NULL so the list stays valid while it is being filled. */
const struct ob_recipe *const ob_recipes[] = {
    &ob_recipe_linear_rates,
    &ob_recipe_limit_cycle,
    &ob_recipe_nqm,
    &ob_recipe_adam_convergence,
    &ob_recipe_adam_claims,
    &ob_recipe_fashion_mnist,
    &ob_recipe_adaptive_generalization,
    &ob_recipe_decoupled_decay,
    &ob_recipe_cliff,
    NULL,
};

const size_t ob_recipe_count = sizeof ob_recipes / sizeof ob_recipes[0] - 1;

const struct ob_recipe *ob_recipe_find(const char *name)
{
    for (size_t i = 0; i < ob_recipe_count; i++)
        if (strcmp(ob_recipes[i]->name, name) == 0)
            return ob_recipes[i];
    return NULL;
}

void ob_recipe_names(char *buffer, size_t size)
{
    size_t length = 0;

    buffer[0] = '\0';
    for (size_t i = 0; i < ob_recipe_count; i++)
        ob_name_list_append(buffer, size, &length, ob_recipes[i]->name);
}
