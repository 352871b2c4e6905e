/** The county view's refusal, in a module that imports nothing, so every entry's chain can name it. */
export const NOT_COUNTY = '只有县委宣传部的人员可以查看所辖单位';
