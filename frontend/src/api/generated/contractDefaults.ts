/**
 * GENERATED FILE - do not edit by hand.
 * Source: the OpenAPI component OptimizationRequestRequest (manage.py spectacular --format openapi-json).
 * Regenerate with `npm run generate-client`; `npm run check-client` fails when it is stale.
 */

/** The server's default for each optimization request field that has one. */
export const optimizationRequestDefaults = {
  "accuracy_budget": 0.99,
  "device": "cpu",
  "priority": 0,
  "recipe": "auto"
} as const;

/** The numeric bounds the server checks (OpenAPI 3.0: exclusiveMinimum true makes minimum exclusive). */
export const optimizationRequestBounds = {
  "accuracy_budget": {
    "minimum": 0,
    "maximum": 1,
    "exclusiveMinimum": true
  },
  "priority": {
    "minimum": 0,
    "maximum": 9
  },
  "time_budget_s": {
    "minimum": 10,
    "maximum": 86400
  }
} as const;

/** The accuracy budget a recipe fixes whatever the request says (x-recipe-budgets). */
export const recipeAccuracyBudgets = {
  "lossless": 0.9999
} as const;
