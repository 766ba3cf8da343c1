/** The portal's sign-in, behind one module: replace these exports to sign in through Keycloak (OIDC). */
export { AuthProvider, useAuth, type Auth } from './AuthContext';
export { SignInPage } from './SignInPage';
