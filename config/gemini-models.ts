/**
 * The Gemini model names a stage may set as web.geminiModel (GEMINI_MODEL). The provider retires
 * models on a published schedule, and a retired name makes every answer fail, so the config
 * accepts only names on this list.
 *
 * To update: compare with the Gemini API's models page and deprecations table
 * (ai.google.dev/gemini-api/docs/models and .../changelog); add new stable names, remove a name
 * once its shutdown date is announced (a stage still using it then fails validation, naming
 * web.geminiModel, before it can deploy a model that stops answering), and move
 * DEFAULT_GEMINI_MODEL to a current stable model. Preview and experimental names are left out:
 * they change or disappear without the notice period stable models get.
 */
export const GEMINI_MODELS = ["gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.5-pro"] as const;

/** GEMINI_MODEL when the stage does not set web.geminiModel. */
export const DEFAULT_GEMINI_MODEL: (typeof GEMINI_MODELS)[number] = "gemini-2.5-flash";

/** RAG_SIMILARITY_THRESHOLD when the stage does not set one: the application's own default. */
export const DEFAULT_RAG_SIMILARITY_THRESHOLD = 0.5;
