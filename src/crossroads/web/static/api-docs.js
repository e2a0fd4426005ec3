// Swagger UI over this server's OpenAPI schema; every file is served by this app.
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi-3.0.json",  // Swagger UI 4 reads OpenAPI 3.0 (crossroads.web._openapi)
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,
  });
});
