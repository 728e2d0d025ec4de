import { describe, expect, it } from "vitest";
import { formatPerThousand, overComplaintLimit, perThousand, readMessageIdSegment, readMessageSort, readPeriodDays } from "@/lib/admin/message-rates";

describe("rates per message", () => {
  it("are per 1,000 sent, and undefined when nothing was sent", () => {
    expect(perThousand(3, 1000)).toBe(3);
    expect(perThousand(1, 8)).toBe(125);
    expect(perThousand(0, 50)).toBe(0);
    expect(perThousand(2, 0)).toBeNull();
  });

  it("read as per 1,000 and as a percentage", () => {
    expect(formatPerThousand(2.5)).toBe("2.5 per 1,000 (0.25%)");
    expect(formatPerThousand(125)).toBe("125.0 per 1,000 (12.50%)");
    expect(formatPerThousand(null)).toBe("no sends");
  });

  it("cross Gmail's complaint line at 0.3%, not below it", () => {
    expect(overComplaintLimit({ sent: 1000, optOuts: 9, complaints: 2 })).toBe(false);
    expect(overComplaintLimit({ sent: 1000, optOuts: 0, complaints: 3 })).toBe(true);
    expect(overComplaintLimit({ sent: 999, optOuts: 0, complaints: 3 })).toBe(true);
    expect(overComplaintLimit({ sent: 0, optOuts: 0, complaints: 4 })).toBe(false);
  });

  it("take only the known sorts and periods from the query", () => {
    expect(readMessageSort("complaints")).toBe("complaints");
    expect(readMessageSort("opt_outs")).toBe("opt_outs");
    expect(readMessageSort("; DROP TABLE sends")).toBe("opt_outs");
    expect(readMessageSort(undefined)).toBe("opt_outs");
    expect([readPeriodDays("7"), readPeriodDays("90"), readPeriodDays("30"), readPeriodDays("365"), readPeriodDays(undefined)]).toEqual([7, 90, 30, 30, 30]);
  });

  it("read a message id back from its encoded path segment, and refuse a malformed one", () => {
    for (const id of ["weekly tips #12", "black-friday/early-access", "50% off?", "ünïcode"]) expect(readMessageIdSegment(encodeURIComponent(id))).toBe(id);
    expect(readMessageIdSegment("%E0%A4%A")).toBeNull();
  });
});
