/** The small formatting toolbar of an open card: heading, bold, italic, lists, link. */
import { useEffect, useState } from 'react';
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext';
import { $createHeadingNode, $isHeadingNode } from '@lexical/rich-text';
import { $setBlocksType } from '@lexical/selection';
import {
  $isListNode,
  INSERT_ORDERED_LIST_COMMAND,
  INSERT_UNORDERED_LIST_COMMAND,
  REMOVE_LIST_COMMAND,
} from '@lexical/list';
import { $isLinkNode, TOGGLE_LINK_COMMAND } from '@lexical/link';
import { $findMatchingParent } from '@lexical/utils';
import {
  $createParagraphNode,
  $getSelection,
  $isRangeSelection,
  FORMAT_TEXT_COMMAND,
  type LexicalNode,
} from 'lexical';
import { linkTarget } from '../../shared/richtext/links.ts';

type State = { heading: boolean; bold: boolean; italic: boolean; list: 'bullet' | 'number' | null; link: boolean };
const EMPTY: State = { heading: false, bold: false, italic: false, list: null, link: false };

export function Toolbar() {
  const [editor] = useLexicalComposerContext();
  const [state, setState] = useState<State>(EMPTY);

  useEffect(
    () =>
      editor.registerUpdateListener(({ editorState }) => {
        editorState.read(() => {
          const selection = $getSelection();
          if (!$isRangeSelection(selection)) return setState(EMPTY);
          const anchor = selection.anchor.getNode();
          const block = anchor.getKey() === 'root' ? anchor : anchor.getTopLevelElement();
          const list = $findMatchingParent(anchor, (n: LexicalNode) => $isListNode(n));
          setState({
            heading: $isHeadingNode(block),
            bold: selection.hasFormat('bold'),
            italic: selection.hasFormat('italic'),
            list: list && $isListNode(list) ? (list.getListType() === 'number' ? 'number' : 'bullet') : null,
            link: $findMatchingParent(anchor, (n: LexicalNode) => $isLinkNode(n)) !== null,
          });
        });
      }),
    [editor],
  );

  const toggleHeading = () =>
    editor.update(() => {
      const selection = $getSelection();
      if (!$isRangeSelection(selection)) return;
      $setBlocksType(selection, () => (state.heading ? $createParagraphNode() : $createHeadingNode('h3')));
    });

  const toggleList = (type: 'bullet' | 'number') => {
    if (state.list === type) editor.dispatchCommand(REMOVE_LIST_COMMAND, undefined);
    else editor.dispatchCommand(type === 'bullet' ? INSERT_UNORDERED_LIST_COMMAND : INSERT_ORDERED_LIST_COMMAND, undefined);
  };

  const toggleLink = () => {
    if (state.link) return editor.dispatchCommand(TOGGLE_LINK_COMMAND, null);
    const url = window.prompt('Link address (https://…)', 'https://');
    // stored as it will be followed: "//host/x" is written out as "https://host/x"
    const target = linkTarget(url);
    if (target) editor.dispatchCommand(TOGGLE_LINK_COMMAND, target.href);
  };

  // Keep focus (and the selection) in the text while clicking a button.
  const keep = (e: React.MouseEvent) => e.preventDefault();

  return (
    <div className="toolbar" role="toolbar" aria-label="Text formatting">
      <button type="button" onMouseDown={keep} aria-pressed={state.heading} onClick={toggleHeading} aria-label="Heading">
        H
      </button>
      <button
        type="button"
        onMouseDown={keep}
        aria-pressed={state.bold}
        onClick={() => editor.dispatchCommand(FORMAT_TEXT_COMMAND, 'bold')}
        aria-label="Bold" title="Bold (Ctrl+B)"
      >
        <b>B</b>
      </button>
      <button
        type="button"
        onMouseDown={keep}
        aria-pressed={state.italic}
        onClick={() => editor.dispatchCommand(FORMAT_TEXT_COMMAND, 'italic')}
        aria-label="Italic" title="Italic (Ctrl+I)"
      >
        <i>I</i>
      </button>
      <button type="button" onMouseDown={keep} aria-pressed={state.list === 'bullet'} onClick={() => toggleList('bullet')}>
        <span aria-hidden="true">•</span>
        <span className="visually-hidden">Bulleted list</span>
      </button>
      <button type="button" onMouseDown={keep} aria-pressed={state.list === 'number'} onClick={() => toggleList('number')}>
        <span aria-hidden="true">1.</span>
        <span className="visually-hidden">Numbered list</span>
      </button>
      <button type="button" onMouseDown={keep} aria-pressed={state.link} onClick={toggleLink}>
        Link
      </button>
    </div>
  );
}
