import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';

import '@patternfly/react-core/dist/styles/base.css';
// the spacing utilities (pf-v6-u-mb-md …) the pages' classes name
import '@patternfly/react-styles/css/utilities/Spacing/spacing.css';
import './portal.css';

import { App } from './app/App';
import { AuthProvider } from './auth';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <AuthProvider>
        <App />
      </AuthProvider>
    </BrowserRouter>
  </StrictMode>,
);
