// The package ships no types: one CommonJS object with a single test function.
declare module 'fxa-common-password-list' {
  const commonPasswords: {
    /** True when `password` (exactly as given) is on Mozilla's list of common passwords. */
    test(password: string): boolean;
  };
  export default commonPasswords;
}
