// What a screen reader and a gloved thumb need, read off the rendered page
// (tests/e2e/test_field_layout.py evaluates this function in the page).
() => {
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
  };
  const small = [...document.querySelectorAll('button, a[href], input, select, textarea, [role=button]')]
    .filter(visible)
    .filter((el) => !(el.type === 'hidden'))
    // A radio, checkbox or file input is hit through the label wrapped around it.
    .map((el) => [el, (el.matches('input[type=radio], input[type=checkbox], input[type=file]')
      && el.closest('label') || el).getBoundingClientRect()])
    .filter(([el, box]) => box.height < 48 || (box.width < 48 && !el.matches('a:not([role=button])')))
    .map(([el, box]) => `${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
  const unlabelled = [...document.querySelectorAll('input, select, textarea')]
    .filter(visible)
    .filter((el) => el.type !== 'hidden' && !el.labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.name || el.id || el.type);
  return {
    width: document.documentElement.scrollWidth,
    h1: document.querySelectorAll('h1').length,
    main: document.querySelectorAll('main').length,
    nav: document.querySelectorAll('nav').length,
    small, unlabelled,
  };
}
