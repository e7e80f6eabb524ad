import type { EditorThemeClasses } from 'lexical';

/** Class names for the card editor; the same classes style the static render (StaticBody). */
export const editorTheme: EditorThemeClasses = {
  paragraph: 'rich__p',
  heading: { h1: 'rich__h', h2: 'rich__h', h3: 'rich__h', h4: 'rich__h', h5: 'rich__h', h6: 'rich__h' },
  quote: 'rich__quote',
  list: {
    ul: 'rich__ul',
    ol: 'rich__ol',
    listitem: 'rich__li',
    nested: { listitem: 'rich__li--nested' },
  },
  link: 'rich__a',
  text: {
    bold: 'rich__b',
    italic: 'rich__i',
    underline: 'rich__u',
    strikethrough: 'rich__s',
    code: 'rich__code',
  },
  collaboration: {
    cursor: 'remote-caret',
    cursorName: 'remote-caret__name',
    selection: 'remote-selection',
  } as EditorThemeClasses[string],
};
