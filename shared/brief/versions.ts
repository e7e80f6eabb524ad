/** Saved versions of a board: what the API accepts (the listing shapes are in shared/api.ts). */

/** Longest version name, in characters ("End of day 1"). */
export const VERSION_NAME_MAX = 100;
