// biome-ignore-all lint/suspicious/noArrayIndexKey: a parsed document is rendered whole; its blocks have no identity but their place
/** Renders the safe Markdown subset of lib/markdown as React elements (never innerHTML). */
import { Fragment, type ReactNode, useMemo } from 'react';
import { type Block, type Inline, parseMarkdown } from '../lib/markdown';

function renderInline(n: Inline, key: number): ReactNode {
  switch (n.kind) {
    case 'text':
      return <Fragment key={key}>{n.text}</Fragment>;
    case 'code':
      return <code key={key}>{n.text}</code>;
    case 'strong':
      return <strong key={key}>{n.children.map(renderInline)}</strong>;
    case 'em':
      return <em key={key}>{n.children.map(renderInline)}</em>;
    case 'link':
      return (
        <a key={key} href={n.href} rel="noreferrer noopener" target="_blank">
          {n.children.map(renderInline)}
        </a>
      );
  }
}

function BlockView({ block, shift }: { block: Block; shift: number }) {
  switch (block.kind) {
    case 'heading': {
      const Tag = `h${Math.min(6, block.level + shift)}` as 'h2';
      return <Tag>{block.text.map(renderInline)}</Tag>;
    }
    case 'paragraph':
      return <p>{block.text.map(renderInline)}</p>;
    case 'list': {
      const items = block.items.map((item, i) => <li key={i}>{item.map(renderInline)}</li>);
      return block.ordered ? <ol>{items}</ol> : <ul>{items}</ul>;
    }
    case 'table':
      return (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                {block.head.map((cell, i) => (
                  <th key={i} scope="col">
                    {cell.map(renderInline)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {block.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, i) => (
                    <td key={i}>{cell.map(renderInline)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case 'code':
      return (
        <pre>
          <code>{block.text}</code>
        </pre>
      );
  }
}

/**
 * Markdown as elements. `shiftHeadings` moves heading levels down (1 makes `#` an `h2`), so a
 * document fits under the page's own `h1`.
 */
export function Markdown({ source, shiftHeadings = 0 }: { source: string; shiftHeadings?: number }) {
  const blocks = useMemo(() => parseMarkdown(source), [source]);
  return (
    <div className="markdown">
      {blocks.map((b, i) => (
        <BlockView key={i} block={b} shift={shiftHeadings} />
      ))}
    </div>
  );
}
