/** The portal's name, in its banner, titles and sign-in page. */
export const PRODUCT = 'Company Portal';
