/** The 8 gradient themes of the original, as CSS custom properties. Only the index is stored. */
export interface Theme {
    name: string;
    gradient: string;
    /** Panels: opaque, so text contrast does not depend on the gradient behind. */
    surface: string;
    surface2: string;
    text: string;
    muted: string;
    accent: string;
    onAccent: string;
    own: string;
    border: string;
    focus: string;
}
export declare const THEMES: readonly Theme[];
export declare const THEME_COOKIE = "theme";
export declare function clampTheme(n: number): number;
export declare function readThemeCookie(cookie: string): number;
export declare function themeCookie(n: number): string;
export declare function applyTheme(n: number, root?: HTMLElement): void;
/** WCAG contrast ratio of two #rrggbb colors. */
export declare function contrast(a: string, b: string): number;
