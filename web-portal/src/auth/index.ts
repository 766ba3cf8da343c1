/** The portal's sign-in, behind one module: local accounts, and the organisation's through the broker (Keycloak). */
export { AuthProvider, useAuth, type Auth } from './AuthContext';
export { SignInPage } from './SignInPage';
