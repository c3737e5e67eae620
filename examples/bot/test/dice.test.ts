import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answer, HELP } from '../src/answers.ts';
import { DICE, describeRoll, parseDice, roll } from '../src/dice.ts';

/** A random source that gives these numbers in turn. */
const numbers =
  (...values: number[]) =>
  () =>
    values.shift() ?? 0;

describe('dice notation', () => {
  it('reads NdM, dM and a modifier', () => {
    expect(parseDice('2d6')).toEqual({ count: 2, sides: 6, modifier: 0 });
    expect(parseDice(' d20 + 3 ')).toEqual({ count: 1, sides: 20, modifier: 3 });
    expect(parseDice('4D8-2')).toEqual({ count: 4, sides: 8, modifier: -2 });
  });

  it('says what is wrong with anything else', () => {
    expect(parseDice('banana')).toBe(
      '"banana" is not dice notation: write NdM for N dice of M sides, as in 2d6 or d20+3.',
    );
    for (const bad of ['2d', 'd', '2x6', '2d6+', '-2d6', '2d6*3', '1.5d6']) {
      expect(parseDice(bad)).toMatch(/is not dice notation/);
    }
    expect(parseDice('0d6')).toBe('Roll from 1 to 100 dice at a time (not 0).');
    expect(parseDice('101d6')).toBe('Roll from 1 to 100 dice at a time (not 101).');
    expect(parseDice('2d1')).toBe('Dice have 2 to 1000 sides (not 1).');
    expect(parseDice('2d1001')).toBe('Dice have 2 to 1000 sides (not 1001).');
    expect(parseDice('2d6+5000')).toBe('Add at most 1000 to a roll (not 5000).');
    expect(parseDice('99999999d6')).toMatch(/is not dice notation/);
  });

  it('rolls each die from 1 to its sides, and adds them up', () => {
    const r = roll({ count: 3, sides: 6, modifier: -1 }, numbers(0, 0.5, 0.9999));
    expect(r.rolls).toEqual([1, 4, 6]);
    expect(r.total).toBe(10);
    expect(describeRoll(r)).toBe('3d6-1: 1 + 4 + 6 - 1 = 10');
    expect(describeRoll(roll({ count: 1, sides: 20, modifier: 0 }, numbers(0.5)))).toBe('1d20: 11');
    expect(describeRoll(roll({ count: 1, sides: 4, modifier: 2 }, numbers(0)))).toBe(
      '1d4+2: 1 + 2 = 3',
    );
  });

  it('always gives totals between N + K and N × M + K', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: DICE.maxCount }),
        fc.integer({ min: DICE.minSides, max: DICE.maxSides }),
        fc.integer({ min: -DICE.maxModifier, max: DICE.maxModifier }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (count, sides, modifier, x) => {
          const dice = parseDice(`${count}d${sides}${modifier < 0 ? '' : '+'}${modifier}`);
          expect(dice).toEqual({ count, sides, modifier });
          const r = roll(dice as Exclude<typeof dice, string>, () => x);
          expect(r.rolls.length).toBe(count);
          for (const die of r.rolls) expect(die >= 1 && die <= sides).toBe(true);
          expect(r.total).toBe(r.rolls.reduce((a, b) => a + b, modifier));
        },
      ),
    );
  });
});

describe('answers', () => {
  it('answers !help and !roll, and nothing else', () => {
    expect(answer('!help', 'ann')).toBe(HELP);
    expect(answer('  !ROLL 2d6 ', 'ann', numbers(0, 0.99))).toBe('ann rolled 2d6: 1 + 6 = 7');
    expect(answer('!roll', 'ann', numbers(0.5))).toBe('ann rolled 1d6: 4');
    expect(answer('!roll 2 apples', 'ann')).toBe(
      'ann: "2 apples" is not dice notation: write NdM for N dice of M sides, as in 2d6 or d20+3.',
    );
    for (const other of ['hello', 'roll 2d6', '!dance', '! roll', '']) {
      expect(answer(other, 'ann')).toBeNull();
    }
  });
});
