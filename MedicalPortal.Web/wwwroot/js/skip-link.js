// "Skip to main content": moves the keyboard's focus to the page's main landmark, as the link promises. Left to
// itself, the link's "#main-content" resolves against <base href="/"> and Blazor's link handling would navigate home;
// this listener runs first (capture phase) and only moves the focus.
document.addEventListener('click', event => {
  const link = event.target instanceof Element ? event.target.closest('a.skip-link') : null;
  const main = document.getElementById('main-content');
  if (link && main) {
    event.preventDefault();
    event.stopPropagation();
    main.focus();
    main.scrollIntoView();
  }
}, true);
